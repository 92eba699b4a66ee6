using Shouldly;
using Stampede.Llm;
using Xunit;

namespace Stampede.Core.Tests.Llm.Prompts;

public sealed class LlmDatasetsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stampede-datasets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_ShareGptArray_CutsEachConversationAtItsLastUserTurnWithTheFollowingAnswersLength()
    {
        string path = Write("sharegpt.json", """
            [
              {"id": "a", "conversations": [
                {"from": "system", "value": "Be brief."},
                {"from": "human", "value": "What is a p99?"},
                {"from": "gpt", "value": "The 99th percentile."},
                {"from": "human", "value": "And a p50?"},
                {"from": "gpt", "value": "The median latency of the requests."}
              ]},
              {"id": "b", "conversations": [{"from": "gpt", "value": "Nobody asked."}]},
              {"id": "c", "conversations": [{"from": "human", "value": "Only a question"}]}
            ]
            """);

        Feeder<LlmConversation> feeder = LlmDatasets.Load(path, mode: FeederMode.Circular);

        feeder.Count.ShouldBe(2); // b has no user turn
        LlmConversation first = feeder.Next();
        first.Messages.Select(m => m.Role).ShouldBe(["system", "user", "assistant", "user"]);
        first.Messages[^1].Content.ShouldBe("And a p50?");
        LlmTokenizer tokenizer = LlmTokenizer.Cl100kBase;
        first.InputTokens.ShouldBe(new[] { "Be brief.", "What is a p99?", "The 99th percentile.", "And a p50?" }.Sum(tokenizer.CountTokens));
        first.ReferenceOutputTokens.ShouldBe(tokenizer.CountTokens("The median latency of the requests."));
        first.ToRequest().MaxTokens.ShouldBe(first.ReferenceOutputTokens);

        LlmConversation second = feeder.Next();
        second.Messages.ShouldHaveSingleItem().Content.ShouldBe("Only a question");
        second.ReferenceOutputTokens.ShouldBeNull();
        second.ToRequest().MaxTokens.ShouldBeNull();
    }

    [Fact]
    public void Load_Jsonl_ReadsOpenAiMessagesAndPlainPromptsWithTheirOutputLength()
    {
        string path = Write("mixed.jsonl", """
            {"messages": [{"role": "user", "content": "Summarise this."}, {"role": "assistant", "content": "Done."}]}

            {"prompt": "Write a haiku.", "output_tokens": 40}
            {"prompt": "Write a limerick.", "max_tokens": 60}
            """);

        Feeder<LlmConversation> feeder = LlmDatasets.Load(path, mode: FeederMode.Circular);
        LlmConversation[] all = [feeder.Next(), feeder.Next(), feeder.Next()];

        all[0].Messages.ShouldHaveSingleItem().Role.ShouldBe("user");
        all[0].ReferenceOutputTokens.ShouldBe(LlmTokenizer.Cl100kBase.CountTokens("Done."));
        all[1].Messages.ShouldHaveSingleItem().Content.ShouldBe("Write a haiku.");
        all[1].ReferenceOutputTokens.ShouldBe(40);
        all[2].ReferenceOutputTokens.ShouldBe(60);
    }

    [Fact]
    public void Load_TokenLimits_SkipLongerConversations()
    {
        string path = Write("limits.jsonl", """
            {"prompt": "short", "output_tokens": 10}
            {"prompt": "short too", "output_tokens": 5000}
            {"prompt": "%LONG%", "output_tokens": 10}
            """.Replace("%LONG%", string.Join(' ', Enumerable.Repeat("word", 3000)), StringComparison.Ordinal));

        Feeder<LlmConversation> feeder = LlmDatasets.Load(path, maxInputTokens: 1024, maxOutputTokens: 1024);

        feeder.Count.ShouldBe(1);
        feeder.Next().Messages[0].Content.ShouldBe("short");
    }

    [Theory]
    [InlineData("{\"prompt\": \"ok\"}\n{\"prompt\": 12}\n", "line 2", "\"prompt\" must be a string")]
    [InlineData("{\"prompt\": \"ok\"}\nnot json\n", "line 2", "each line of a JSONL dataset is one record")]
    [InlineData("{\"text\": \"what\"}\n", "line 1", "\"conversations\" (ShareGPT)")]
    [InlineData("{\"prompt\": \"ok\", \"output_tokens\": 0}\n", "line 1", "\"output_tokens\" must be a whole number of 1 or more")]
    [InlineData("[{\"prompt\": \"ok\"}, 7]", "record 2", "a record is a JSON object")]
    public void Load_MalformedRecord_FormatExceptionNamingTheFileAndTheRecord(string content, string where, string problem)
    {
        string path = Write("bad.jsonl", content);

        FormatException error = Should.Throw<FormatException>(() => LlmDatasets.Load(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain(where);
        error.Message.ShouldContain(problem);
    }

    [Fact]
    public void Load_NoUsableConversation_SaysWhy()
    {
        string path = Write("assistant-only.jsonl", """
            {"messages": [{"role": "assistant", "content": "Hello"}]}
            """);

        FormatException error = Should.Throw<FormatException>(() => LlmDatasets.Load(path));

        error.Message.ShouldContain("no usable conversation");
        error.Message.ShouldContain("1 without a user turn");
    }

    [Fact]
    public void Load_MissingFile_FileNotFoundNamingIt()
    {
        string path = Path.Combine(_directory, "absent.jsonl");

        Should.Throw<FileNotFoundException>(() => LlmDatasets.Load(path)).Message.ShouldContain(path);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
