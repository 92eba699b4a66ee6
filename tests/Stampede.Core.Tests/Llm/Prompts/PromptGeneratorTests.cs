using System.Text.Json.Nodes;
using Shouldly;
using Stampede.Llm;
using Xunit;

namespace Stampede.Core.Tests.Llm.Prompts;

public sealed class PromptGeneratorTests
{
    public static TheoryData<string> Tokenizers => ["cl100k_base", "o200k_base"];

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Next_EveryLengthFrom1To300_ThePromptIsExactlyThatManyTokens(string name)
    {
        LlmTokenizer tokenizer = LlmTokenizer.Get(name);
        var random = new Random(7);

        for (int tokens = 1; tokens <= 300; tokens++)
        {
            var generator = new PromptGenerator(TokenLength.Fixed(tokens), TokenLength.Fixed(16), tokenizer);
            LlmPrompt prompt = generator.Next(random);

            prompt.InputTokens.ShouldBe(tokens);
            tokenizer.CountTokens(prompt.Text).ShouldBe(tokens, prompt.Text);
        }
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Next_LongPromptsOfManySeeds_AreExact(string name)
    {
        LlmTokenizer tokenizer = LlmTokenizer.Get(name);
        var generator = new PromptGenerator(TokenLength.Uniform(500, 4096), TokenLength.Normal(128, 32), tokenizer);

        for (int seed = 0; seed < 40; seed++)
        {
            LlmPrompt prompt = generator.Next(new Random(seed));

            prompt.InputTokens.ShouldBeInRange(500, 4096);
            tokenizer.CountTokens(prompt.Text).ShouldBe(prompt.InputTokens);
            prompt.MaxTokens.ShouldBeGreaterThanOrEqualTo(1);
        }
    }

    [Fact]
    public void Next_ReadsAsSentences()
    {
        LlmPrompt prompt = new PromptGenerator(TokenLength.Fixed(200), TokenLength.Fixed(8)).Next(new Random(3));

        char.IsUpper(prompt.Text[0]).ShouldBeTrue();
        prompt.Text.Count(c => c == '.').ShouldBeInRange(200 / 19, 200 / 7);
        prompt.Text.ShouldNotContain("  ");
    }

    [Fact]
    public void Next_SameSeed_SamePrompts()
    {
        var generator = new PromptGenerator(TokenLength.LogNormal(256, 64), TokenLength.Uniform(16, 64));

        LlmPrompt[] first = [.. Enumerable.Range(0, 5).Select(_ => generator.Next(new Random(11)))];
        LlmPrompt again = generator.Next(new Random(11));

        first.ShouldAllBe(p => p == first[0]);
        again.ShouldBe(first[0]);
        generator.Next(new Random(12)).Text.ShouldNotBe(first[0].Text);
    }

    [Fact]
    public void ToRequest_SetsMaxTokensAndIgnoreEosOnlyWhenAsked()
    {
        var prompt = new LlmPrompt("Hello there", 2, 77);
        var template = new LlmRequest { Temperature = 0, Extra = new Dictionary<string, JsonNode?> { ["top_p"] = 0.5 } };

        LlmRequest plain = prompt.ToRequest(template);
        LlmRequest exact = prompt.ToRequest(template, ignoreEos: true);

        plain.MaxTokens.ShouldBe(77);
        plain.Temperature.ShouldBe(0);
        plain.Extra.Keys.ShouldBe(["top_p"]);
        exact.MaxTokens.ShouldBe(77);
        exact.Extra["ignore_eos"]!.GetValue<bool>().ShouldBeTrue();
        exact.Extra["top_p"]!.GetValue<double>().ShouldBe(0.5);
        template.Extra.ContainsKey("ignore_eos").ShouldBeFalse();
    }

    [Fact]
    public void Get_UnknownTokenizer_SaysWhichOnesThereAre()
    {
        ArgumentException error = Should.Throw<ArgumentException>(() => LlmTokenizer.Get("llama-7b-tokenizer"));

        error.Message.ShouldContain("'llama-7b-tokenizer'");
        error.Message.ShouldContain("cl100k_base");
    }

    [Fact]
    public void Get_AnOpenAiModelName_GivesItsEncodingsCounts()
    {
        LlmTokenizer gpt4o = LlmTokenizer.Get("gpt-4o");

        gpt4o.CountTokens("The quick brown fox jumps over the lazy dog.").ShouldBe(LlmTokenizer.O200kBase.CountTokens("The quick brown fox jumps over the lazy dog."));
        LlmTokenizer.Cl100kBase.CountTokens("The quick brown fox jumps over the lazy dog.").ShouldBe(10);
    }
}
