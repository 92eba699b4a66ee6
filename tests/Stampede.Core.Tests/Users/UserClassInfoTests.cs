namespace Stampede.Core.Tests.Users;

public sealed class UserClassInfoTests
{
    private static readonly string[] None = [];

    [Fact]
    public void NextTask_WeightsSevenAndThree_PicksInThatRatio()
    {
        UserClassInfo info = UserClassInfo.Create(typeof(MixUser), None, None)!;
        var random = new Random(7);
        int sequence = 0;

        int small = Enumerable.Range(0, 100_000).Count(_ => info.NextTask(random, ref sequence).Method.Name == nameof(MixUser.Small));

        (small / 100_000.0).ShouldBe(0.7, 0.01);
    }

    [Fact]
    public void NextTask_SequentialClass_RunsTasksInOrderAndStartsOver()
    {
        UserClassInfo info = UserClassInfo.Create(typeof(OrderedUser), None, None)!;
        int sequence = 0;

        string[] names = [.. Enumerable.Range(0, 6).Select(_ => info.NextTask(new Random(1), ref sequence).Method.Name)];

        names.ShouldBe(["Login", "Browse", "Logout", "Login", "Browse", "Logout"]);
    }

    [Fact]
    public void Create_TagFilters_KeepOnlyMatchingTasks()
    {
        UserClassInfo included = UserClassInfo.Create(typeof(TaggedUser), ["infer"], None)!;
        UserClassInfo excluded = UserClassInfo.Create(typeof(TaggedUser), None, ["slow"])!;

        included.Tasks.Select(t => t.Method.Name).ShouldBe(["Predict", "PredictLarge"], ignoreOrder: true);
        excluded.Tasks.Select(t => t.Method.Name).ShouldBe(["Health", "Predict"], ignoreOrder: true);
        UserClassInfo.Create(typeof(TaggedUser), ["nothing-has-this"], None).ShouldBeNull();
    }

    [Fact]
    public async Task Create_PrivateValueTaskAndVoidTasks_AreInvocable()
    {
        UserClassInfo info = UserClassInfo.Create(typeof(ShapesUser), None, None)!;
        var user = (ShapesUser)info.Create();

        foreach (TaskInfo task in info.Tasks)
        {
            await task.Invoke(user);
        }

        user.Calls.ShouldBe(3);
    }

    [Theory]
    [InlineData(typeof(NoTasksUser), "has no tasks")]
    [InlineData(typeof(ParameterTaskUser), "takes no parameters")]
    [InlineData(typeof(string), "is not a user class")]
    [InlineData(typeof(BadWeightUser), "weight must be 1 or more")]
    [InlineData(typeof(WrongReturnUser), "returns Int32")]
    public void Create_UnusableClass_ThrowsScenarioExceptionSayingWhy(Type type, string expected)
    {
        ScenarioException ex = Should.Throw<ScenarioException>(() => UserClassInfo.Create(type, None, None));

        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public void Create_ClassAttributes_AreRead()
    {
        UserClassInfo weighted = UserClassInfo.Create(typeof(HeavyUser), None, None)!;
        UserClassInfo fixedOne = UserClassInfo.Create(typeof(AdminUser), None, None)!;

        weighted.Weight.ShouldBe(3);
        fixedOne.FixedCount.ShouldBe(1);
    }

    internal sealed class MixUser : User
    {
        [Task(7)]
        public Task Small() => Task.CompletedTask;

        [Task(3)]
        public Task Large() => Task.CompletedTask;
    }

    [SequentialTasks]
    internal sealed class OrderedUser : User
    {
        [Task(Order = 3)]
        public Task Logout() => Task.CompletedTask;

        [Task(Order = 1)]
        public Task Login() => Task.CompletedTask;

        [Task(Order = 2)]
        public Task Browse() => Task.CompletedTask;
    }

    internal sealed class TaggedUser : User
    {
        [Task]
        public Task Health() => Task.CompletedTask;

        [Task]
        [Tag("infer")]
        public Task Predict() => Task.CompletedTask;

        [Task]
        [Tag("infer", "slow")]
        public Task PredictLarge() => Task.CompletedTask;
    }

    internal sealed class ShapesUser : User
    {
        public int Calls { get; private set; }

        [Task]
        private Task Private()
        {
            Calls++;
            return Task.CompletedTask;
        }

        [Task]
        private ValueTask Value()
        {
            Calls++;
            return ValueTask.CompletedTask;
        }

        [Task]
        private void Sync() => Calls++;
    }

    internal sealed class NoTasksUser : User;

    internal sealed class ParameterTaskUser : User
    {
        [Task]
        public Task Work(int n) => Task.FromResult(n);
    }

    internal sealed class BadWeightUser : User
    {
        [Task(0)]
        public Task Work() => Task.CompletedTask;
    }

    internal sealed class WrongReturnUser : User
    {
        [Task]
        public int Work() => 1;
    }

    [Weight(3)]
    internal sealed class HeavyUser : User
    {
        [Task]
        public Task Work() => Task.CompletedTask;
    }

    [FixedCount(1)]
    internal sealed class AdminUser : User
    {
        [Task]
        public Task Work() => Task.CompletedTask;
    }
}
