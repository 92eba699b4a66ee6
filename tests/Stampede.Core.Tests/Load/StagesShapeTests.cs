using Stampede.Load;

namespace Stampede.Core.Tests.Load;

public sealed class StagesShapeTests
{
    [Theory]
    [InlineData(0, 10)]
    [InlineData(29.9, 10)]
    [InlineData(30, 50)]
    [InlineData(89.9, 50)]
    [InlineData(90, 0)]
    public void Tick_ElapsedTime_ReturnsTheStageInForce(double seconds, int users)
    {
        LoadShape shape = LoadShapes.Stages(
            new Stage(TimeSpan.FromSeconds(30), 10, 5),
            new Stage(TimeSpan.FromSeconds(60), 50, 10),
            new Stage(TimeSpan.FromSeconds(10), 0, 10));

        shape.Tick(new LoadShapeContext(TimeSpan.FromSeconds(seconds), 0))!.Value.Users.ShouldBe(users);
    }

    [Fact]
    public void Tick_AfterTheLastStage_ReturnsNullToStop()
    {
        LoadShape shape = LoadShapes.Stages(new Stage(TimeSpan.FromSeconds(5), 1, 1));

        shape.Tick(new LoadShapeContext(TimeSpan.FromSeconds(5), 1)).ShouldBeNull();
    }
}
