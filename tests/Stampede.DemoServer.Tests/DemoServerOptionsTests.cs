namespace Stampede.Demo.Tests;

public sealed class DemoServerOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new DemoServerOptions();

        options.Host.ShouldBe("127.0.0.1");
        options.Port.ShouldBe(0);
        options.Workers.ShouldBe(Environment.ProcessorCount);
        options.MaxQueue.ShouldBe(32);
        options.MaxBodyBytes.ShouldBe(20L * 1024 * 1024);
        options.Autoscale.ShouldBeNull();
        options.ScaleUpQueueThreshold.ShouldBe(4);
        options.ScaleUpDelay.ShouldBe(TimeSpan.FromSeconds(5));
        options.ScaleDownDelay.ShouldBe(TimeSpan.FromSeconds(30));
        options.WorkerColdStart.ShouldBe(TimeSpan.FromSeconds(2));
        options.ModelPath.ShouldBeNull();
        options.AddedLatency.ShouldBe(TimeSpan.Zero);
        options.TimeProvider.ShouldBe(TimeProvider.System);
        Should.NotThrow(options.Validate);
    }

    public static TheoryData<Action<DemoServerOptions>, string, string> InvalidOptions => new()
    {
        { o => o.Host = "not a host", "Host", "'not a host'" },
        { o => o.Port = 70000, "Port", "'70000'" },
        { o => o.Workers = 0, "Workers", "between 1 and 256" },
        { o => o.MaxQueue = 0, "MaxQueue", "'0'" },
        { o => o.MaxBodyBytes = 0, "MaxBodyBytes", "bytes" },
        { o => o.Autoscale = new AutoscaleRange(3, 2), "Autoscale", "'3:2'" },
        { o => o.Autoscale = new AutoscaleRange(0, 2), "Autoscale", "1 <= min" },
        { o => o.ScaleUpQueueThreshold = -1, "ScaleUpQueueThreshold", "'-1'" },
        { o => o.ScaleUpDelay = TimeSpan.FromSeconds(-1), "ScaleUpDelay", "-00:00:01" },
        { o => o.ScaleDownDelay = TimeSpan.FromDays(2), "ScaleDownDelay", "2.00:00:00" },
        { o => o.WorkerColdStart = TimeSpan.FromSeconds(-2), "WorkerColdStart", "between" },
        { o => o.ModelPath = " ", "ModelPath", ".onnx" },
        { o => o.AddedLatency = TimeSpan.FromMilliseconds(-1), "AddedLatency", "between" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_OutOfRange_ThrowsNamingOptionValueAndWhatIsValid(Action<DemoServerOptions> change, string option, string fragment)
    {
        var options = new DemoServerOptions();
        change(options);

        var exception = Should.Throw<ArgumentException>(options.Validate);

        exception.ParamName.ShouldBe(option);
        exception.Message.ShouldContain($"DemoServerOptions.{option}");
        exception.Message.ShouldContain(fragment);
        exception.Message.ShouldContain("must be");
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    public void Validate_OtherHosts_AreAccepted(string host)
    {
        Should.NotThrow(new DemoServerOptions { Host = host }.Validate);
    }

    [Theory]
    [InlineData("1:4", 1, 4)]
    [InlineData(" 2 : 2 ", 2, 2)]
    [InlineData("1:256", 1, 256)]
    public void TryParseAutoscale_MinColonMax_Parses(string text, int min, int max)
    {
        DemoServerOptions.TryParseAutoscale(text, out var range).ShouldBeTrue();

        range.ShouldBe(new AutoscaleRange(min, max));
        range.ToString().ShouldBe($"{min}:{max}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("0:4")]
    [InlineData("4:1")]
    [InlineData("1:257")]
    [InlineData("1:4:8")]
    [InlineData("-1:4")]
    [InlineData("a:b")]
    public void TryParseAutoscale_Invalid_ReturnsFalse(string? text)
    {
        DemoServerOptions.TryParseAutoscale(text, out var range).ShouldBeFalse();

        range.ShouldBe(default);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsBeforeListening()
    {
        await Should.ThrowAsync<ArgumentException>(() => DemoServer.StartAsync(new DemoServerOptions { Workers = -3 }));
    }
}
