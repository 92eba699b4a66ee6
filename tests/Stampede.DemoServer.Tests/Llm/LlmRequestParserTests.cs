using System.Text;
using Stampede.Demo.Llm;

namespace Stampede.Demo.Tests.Llm;

public sealed class LlmRequestParserTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    [InlineData(10, 13)]
    [InlineData(100, 130)]
    [InlineData(7, 10)] // 9.1 rounds up
    public void FromWords_WordsTimesOnePointThree_RoundsUp(int words, int tokens) =>
        PromptTokenCounter.FromWords(words).ShouldBe(tokens);

    [Fact]
    public void TryParse_ChatWithSeveralMessagesAndParts_CountsEveryTextWord()
    {
        var body = """{"messages":[{"role":"system","content":"be  brief"},{"role":"user","content":[{"type":"text","text":"one two\nthree"},{"type":"image_url","image_url":{"url":"x"}}]},{"role":"assistant","content":null}]}""";

        var request = LlmRequestParser.TryParse(Encoding.UTF8.GetBytes(body), LlmRequestKind.Chat, "stampede-sim", out var error);

        error.ShouldBeEmpty();
        request.ShouldNotBeNull();
        request.PromptTokens.ShouldBe(PromptTokenCounter.FromWords(5));
        request.MaxTokens.ShouldBe(LlmSimulatorOptions.DefaultMaxTokens);
        request.Stream.ShouldBeFalse();
        request.Model.ShouldBe("stampede-sim");
    }

    [Fact]
    public void TryParse_MaxTokensOverTheCap_IsCapped()
    {
        var body = """{"prompt":"hi","max_tokens":100000,"stream":true,"stream_options":{"include_usage":true}}""";

        var request = LlmRequestParser.TryParse(Encoding.UTF8.GetBytes(body), LlmRequestKind.Completion, "stampede-sim", out _);

        request.ShouldNotBeNull();
        request.MaxTokens.ShouldBe(LlmSimulatorOptions.MaxTokensCap);
        request.Stream.ShouldBeTrue();
        request.IncludeUsage.ShouldBeTrue();
    }

    [Fact]
    public void Validate_BatchOfZero_NamesTheOption()
    {
        var options = new DemoServerOptions { Llm = new LlmSimulatorOptions { MaxBatch = 0 } };

        Should.Throw<ArgumentException>(options.Validate).Message.ShouldContain("LlmSimulatorOptions.MaxBatch is '0'");
    }
}
