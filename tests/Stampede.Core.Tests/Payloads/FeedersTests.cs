using System.Text;
using System.Text.Json;

namespace Stampede.Core.Tests.Payloads;

public sealed class FeedersTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Csv_QuotedCommasQuotesAndNewlines_ParsesEachFieldWhole()
    {
        string path = _folder.Write("prompts.csv", "id,prompt,max_tokens\n1,\"Hello, world\",16\n2,\"Line one\nline two\",32\n3,\"She said \"\"hi\"\"\",\n");

        Feeder<IReadOnlyDictionary<string, string>> feeder = Feeders.Csv(path);

        feeder.Count.ShouldBe(3);
        IReadOnlyDictionary<string, string> first = feeder.Next();
        first["id"].ShouldBe("1");
        first["prompt"].ShouldBe("Hello, world");
        first["max_tokens"].ShouldBe("16");
        first.Keys.ShouldBe(["id", "prompt", "max_tokens"]);
        feeder.Next()["prompt"].ShouldBe("Line one\nline two");
        IReadOnlyDictionary<string, string> third = feeder.Next();
        third["prompt"].ShouldBe("She said \"hi\"");
        third["max_tokens"].ShouldBe(string.Empty);
        feeder.Next()["id"].ShouldBe("1", "Circular starts over");
    }

    [Fact]
    public void Csv_CrLfWithByteOrderMarkAndBlankLines_ReadsTheRows()
    {
        string path = _folder.Write("users.csv", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("user,password\r\nalice,\"p,1\"\r\n\r\nbob,p2\r\n")).ToArray());

        Feeder<IReadOnlyDictionary<string, string>> feeder = Feeders.Csv(path);

        feeder.Count.ShouldBe(2);
        feeder.Next()["user"].ShouldBe("alice", "the byte-order mark is not part of the first column's name");
        feeder.Next()["password"].ShouldBe("p2");
    }

    [Fact]
    public void Csv_RowWithTooFewFields_ThrowsNamingFileAndLine()
    {
        string path = _folder.Write("bad.csv", "a,b\n1,2\n3\n");

        var error = Should.Throw<InvalidDataException>(() => Feeders.Csv(path));

        error.Message.ShouldContain($"{path}:3");
    }

    [Fact]
    public void Csv_MissingFile_ThrowsNamingThePath()
    {
        string path = Path.Combine(_folder.Path, "nope.csv");

        var error = Should.Throw<FileNotFoundException>(() => Feeders.Csv(path));

        error.Message.ShouldContain(path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b\n")]
    public void Csv_EmptyOrHeaderOnly_ThrowsNamingThePath(string text)
    {
        string path = _folder.Write("empty.csv", text);

        var error = Should.Throw<InvalidDataException>(() => Feeders.Csv(path));

        error.Message.ShouldContain(path);
    }

    [Fact]
    public void Csv_DuplicateColumn_Throws()
    {
        string path = _folder.Write("dup.csv", "a,b,a\n1,2,3\n");

        Should.Throw<InvalidDataException>(() => Feeders.Csv(path)).Message.ShouldContain("'a'");
    }

    [Fact]
    public void Csv_BlankFirstLine_ThrowsSayingTheHeaderHasNoName()
    {
        string path = _folder.Write("blank-header.csv", "\na,b\n1,2\n");

        var error = Should.Throw<InvalidDataException>(() => Feeders.Csv(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("no name");
    }

    [Fact]
    public void Csv_UnknownColumn_ThrowsListingTheColumns()
    {
        string path = _folder.Write("cols.csv", "a,b\n1,2\n");
        IReadOnlyDictionary<string, string> row = Feeders.Csv(path).Next();

        Should.Throw<KeyNotFoundException>(() => row["c"]).Message.ShouldContain("a, b");
        row.TryGetValue("c", out _).ShouldBeFalse();
    }

    [Fact]
    public void JsonLines_ValuesAndBlankLines_ParsesEachValueInOrder()
    {
        string path = _folder.Write("requests.jsonl", "{\"prompt\":\"a\",\"n\":1}\n\n  \n[1,2]\n\"text\"\n");

        Feeder<JsonElement> feeder = Feeders.JsonLines(path);

        feeder.Count.ShouldBe(3);
        JsonElement first = feeder.Next();
        first.GetProperty("prompt").GetString().ShouldBe("a");
        first.GetProperty("n").GetInt32().ShouldBe(1);
        feeder.Next().GetArrayLength().ShouldBe(2);
        feeder.Next().GetString().ShouldBe("text");
    }

    [Theory]
    [InlineData("{\"a\":1}\n\n{\"a\":2}\n{\"a\":\n", 4)]
    [InlineData("{\"a\":1} {\"a\":2}\n", 1)]
    public void JsonLines_BadLine_ThrowsNamingFileAndLineNumber(string text, int line)
    {
        string path = _folder.Write("bad.jsonl", text);

        var error = Should.Throw<InvalidDataException>(() => Feeders.JsonLines(path));

        error.Message.ShouldStartWith($"{path}:{line}:");
        error.InnerException.ShouldBeAssignableTo<JsonException>();
    }

    [Fact]
    public void JsonLines_OnlyBlankLines_ThrowsNamingThePath()
    {
        string path = _folder.Write("blank.jsonl", "\n \n");

        Should.Throw<InvalidDataException>(() => Feeders.JsonLines(path)).Message.ShouldContain(path);
    }

    [Fact]
    public async Task Folder_MatchingFiles_LoadsThemInNameOrderWithContentTypes()
    {
        _folder.Write("b.png", new byte[] { 1, 2 });
        _folder.Write("a.jpg", new byte[] { 3, 4, 5 });
        _folder.Write("notes.txt", "skip me");

        Feeder<FeederFile> feeder = Feeders.Folder(_folder.Path, "*.*g");

        feeder.Count.ShouldBe(2);
        FeederFile first = feeder.Next();
        first.Name.ShouldBe("a.jpg");
        first.Path.ShouldBe(Path.Combine(_folder.Path, "a.jpg"));
        first.ContentType.ShouldBe("image/jpeg");
        first.Bytes.ToArray().ShouldBe(new byte[] { 3, 4, 5 });
        using HttpContent content = first.ToContent();
        content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        (await content.ReadAsByteArrayAsync()).ShouldBe(new byte[] { 3, 4, 5 });
        FeederFile second = feeder.Next();
        second.Name.ShouldBe("b.png");
        second.ContentType.ShouldBe("image/png");
    }

    [Fact]
    public void Folder_UnknownExtension_IsOctetStream()
    {
        _folder.Write("tensor.xyz", new byte[] { 0 });

        Feeders.Folder(_folder.Path).Next().ContentType.ShouldBe("application/octet-stream");
    }

    [Fact]
    public void Folder_Missing_ThrowsNamingThePath()
    {
        string path = Path.Combine(_folder.Path, "missing");

        Should.Throw<DirectoryNotFoundException>(() => Feeders.Folder(path)).Message.ShouldContain(path);
    }

    [Fact]
    public void Folder_NoMatchingFile_ThrowsNamingFolderAndPattern()
    {
        _folder.Write("a.txt", "x");

        var error = Should.Throw<InvalidDataException>(() => Feeders.Folder(_folder.Path, "*.jpg"));

        error.Message.ShouldContain(_folder.Path);
        error.Message.ShouldContain("*.jpg");
    }
}
