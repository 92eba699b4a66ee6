using System.Collections;
using System.Text.Json;
using Spectre.Console;
using Stampede.Demo;
using Stampede.Demo.Llm;
using Stampede.Tool.Commands;
using Stampede.Tool.Tests.Infrastructure;

namespace Stampede.Tool.Tests.Commands;

public sealed class LlmCommandTests
{
    [Fact]
    public void TrySplit_OwnFlagsInBothFormsAndScenarioFlags_SplitsThemKeepingTheScenarioFlagsInOrder()
    {
        var split = LlmCommand.TrySplit(["llm", "--base-url", "http://127.0.0.1:8000/v1", "--users", "4", "--model=m", "--prompt-tokens", "512:128", "--ignore-eos", "--json", "out/run.json", "--output-tokens=uniform:64-128"]);

        split.ShouldNotBeNull();
        split.Value.Error.ShouldBeNull();
        LlmSettings settings = split.Value.Settings!;
        settings.BaseUrl.ShouldBe("http://127.0.0.1:8000/v1");
        settings.Model.ShouldBe("m");
        settings.PromptTokens.ShouldBe("512:128");
        settings.OutputTokens.ShouldBe("uniform:64-128");
        settings.IgnoreEos.ShouldBeTrue();
        settings.Web.ShouldBeFalse();
        settings.Endpoint.ShouldBe("chat");
        settings.ScenarioArguments.ShouldBe(["--users", "4", "--json", "out/run.json"]);
    }

    [Theory]
    [InlineData(new[] { "llm", "--users", "2" }, "--base-url is required")]
    [InlineData(new[] { "llm", "--base-url" }, "--base-url needs a value")]
    [InlineData(new[] { "llm", "--base-url", "--users", "2" }, "--base-url needs a value")]
    [InlineData(new[] { "llm", "--base-url", "http://h", "--model", "a", "--model", "b" }, "--model was given twice")]
    [InlineData(new[] { "llm", "--base-url", "http://h", "--host", "http://h" }, "takes the server as --base-url")]
    [InlineData(new[] { "llm", "--base-url", "http://h", "--dataset", "d.jsonl", "--prompt-tokens", "64" }, "drop one of them")]
    public void TrySplit_BadCommandLine_SaysWhatIsWrong(string[] args, string expected)
    {
        var split = LlmCommand.TrySplit(args);

        split.ShouldNotBeNull();
        split.Value.Settings.ShouldBeNull();
        split.Value.Error.ShouldNotBeNull().ShouldContain(expected);
    }

    [Theory]
    [InlineData("run mine.cs")]
    [InlineData("llm --help")]
    [InlineData("llm --base-url http://h -h")]
    public void TrySplit_NotAnLlmRunOrHelp_LeavesItToTheParser(string args) =>
        LlmCommand.TrySplit(args.Split(' ')).ShouldBeNull();

    [Theory]
    [InlineData("http://127.0.0.1:8000", "chat", "http://127.0.0.1:8000", "/v1/chat/completions", true)]
    [InlineData("http://127.0.0.1:8000/v1/", "completions", "http://127.0.0.1:8000", "/v1/completions", false)]
    [InlineData("https://gateway.example/openai/v1", "chat", "https://gateway.example/openai", "/v1/chat/completions", true)]
    [InlineData("http://h:1", "/v2/generate", "http://h:1", "/v2/generate", false)]
    [InlineData("http://h:1", "/custom/chat/completions", "http://h:1", "/custom/chat/completions", true)]
    public void SplitBaseUrl_WithOrWithoutV1_GivesTheHostAndTheApiPath(string baseUrl, string endpoint, string host, string path, bool chat)
    {
        var split = LlmCommand.SplitBaseUrl(baseUrl, endpoint, out bool isChat);

        split.ShouldBe((host, path));
        isChat.ShouldBe(chat);
    }

    [Theory]
    [InlineData("127.0.0.1:8000")]
    [InlineData("ftp://h")]
    [InlineData("http://h/?x=1")]
    public void SplitBaseUrl_NotAnHttpUrl_IsNull(string baseUrl) =>
        LlmCommand.SplitBaseUrl(baseUrl, "chat", out _).ShouldBeNull();

    [Fact]
    public void ScenarioArguments_NothingGiven_AddsTheHostHeadlessAndAMinute()
    {
        var settings = new LlmSettings { BaseUrl = "http://h" };

        LlmCommand.ScenarioArguments(settings, "http://h").ShouldBe(["--host", "http://h", "--headless", "--run-time", "1m"]);
    }

    [Theory]
    [InlineData("--run-time 10s")]
    [InlineData("-t=10s")]
    [InlineData("--find-capacity --slo ttft_p95<1s")]
    public void ScenarioArguments_RunTimeOrAnExperimentGiven_AddsNoRunTime(string arguments)
    {
        string[] given = arguments.Split(' ');
        var settings = new LlmSettings { BaseUrl = "http://h", ScenarioArguments = given, Web = true };

        LlmCommand.ScenarioArguments(settings, "http://h").ShouldBe(["--host", "http://h", .. given]);
    }

    [Fact]
    public async Task RunAsync_BadTokenSpec_IsAUsageErrorQuotingIt()
    {
        var errors = new StringWriter();
        var settings = new LlmSettings { BaseUrl = "http://127.0.0.1:9", Model = "m", PromptTokens = "lots" };

        int exit = await LlmCommand.RunAsync(settings, Console(new StringWriter()), errors, new Hashtable(), CancellationToken.None);

        exit.ShouldBe(2);
        errors.ToString().ShouldContain("'lots'");
    }

    [Fact]
    public async Task RunAsync_DatasetMissing_IsAUsageErrorNamingTheFile()
    {
        var errors = new StringWriter();
        var settings = new LlmSettings { BaseUrl = "http://127.0.0.1:9", Model = "m", Dataset = "/nonexistent/sharegpt.json" };

        int exit = await LlmCommand.RunAsync(settings, Console(new StringWriter()), errors, new Hashtable(), CancellationToken.None);

        exit.ShouldBe(2);
        errors.ToString().ShouldContain("--dataset '/nonexistent/sharegpt.json'");
    }

    private static IAnsiConsole Console(TextWriter output) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
}
