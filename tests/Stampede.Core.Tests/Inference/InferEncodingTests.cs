using System.Text;
using Stampede.Inference;

namespace Stampede.Core.Tests.Inference;

/// <summary>The request encodings, byte for byte as the protocols specify them (KServe v2 REST, Triton's binary tensor extension, TF Serving REST).</summary>
public sealed class InferEncodingTests
{
    private static readonly InferTensor X = InferTensor.Fp32("x", [1, 3], [1.5f, -2f, 0.25f]);
    private static readonly InferTensor Ids = InferTensor.Int64("ids", [2], [7, -1]);
    private static readonly InferTensor Words = InferTensor.Text("t", [2], ["a", "bc"]);
    private static readonly InferTensor Mask = InferTensor.Bool("m", [2], [true, false]);

    [Fact]
    public void Encode_KServeJson_EveryValueInFlatDataWithItsDatatypeAndTheOutputsAskedFor()
    {
        var request = new InferRequest(X, Ids, Words, Mask) { Id = "r1", Outputs = ["y"] };

        InferPayload payload = request.Encode(InferProtocol.KServeJson);

        Encoding.UTF8.GetString(payload.Body).ShouldBe(
            """{"id":"r1","inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1.5,-2,0.25]},{"name":"ids","shape":[2],"datatype":"INT64","data":[7,-1]},"""
            + """{"name":"t","shape":[2],"datatype":"BYTES","data":["a","bc"]},{"name":"m","shape":[2],"datatype":"BOOL","data":[true,false]}],"outputs":[{"name":"y"}]}""");
        payload.ContentType.ShouldBe("application/json");
        payload.HeaderLength.ShouldBeNull();
    }

    [Fact]
    public void Encode_KServeJsonWithParameters_WritesThemOnTheRequestAndTheInput()
    {
        var request = new InferRequest(X.WithParameters(new Dictionary<string, object> { ["layout"] = "NC" }))
        {
            Parameters = new Dictionary<string, object> { ["priority"] = 2, ["sequence_start"] = true },
        };

        string json = Encoding.UTF8.GetString(request.Encode(InferProtocol.KServeJson).Body);

        json.ShouldBe("""{"parameters":{"priority":2,"sequence_start":true},"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","parameters":{"layout":"NC"},"data":[1.5,-2,0.25]}]}""");
    }

    [Fact]
    public void Encode_KServeBinary_JsonHeaderWithBinaryDataSizesThenEachInputsLittleEndianBytes()
    {
        var request = new InferRequest(X, Words) { Id = "r1", Outputs = ["y"] };

        InferPayload payload = request.Encode(InferProtocol.KServeBinary);

        string header = """{"id":"r1","inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","parameters":{"binary_data_size":12}},"""
            + """{"name":"t","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":11}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""";
        payload.HeaderLength.ShouldBe(Encoding.UTF8.GetByteCount(header));
        Encoding.UTF8.GetString(payload.Body, 0, payload.HeaderLength!.Value).ShouldBe(header);
        payload.Body[payload.HeaderLength.Value..].ShouldBe(new byte[]
        {
            0x00, 0x00, 0xC0, 0x3F, // 1.5f
            0x00, 0x00, 0x00, 0xC0, // -2f
            0x00, 0x00, 0x80, 0x3E, // 0.25f
            0x01, 0x00, 0x00, 0x00, (byte)'a',
            0x02, 0x00, 0x00, 0x00, (byte)'b', (byte)'c',
        });
        payload.ContentType.ShouldBe("application/octet-stream");
    }

    [Fact]
    public void Encode_KServeBinaryWithoutNamedOutputs_AsksForEveryOutputInBinary()
    {
        string json = Encoding.UTF8.GetString(new InferRequest(Ids).Encode(InferProtocol.KServeBinary) is var p ? p.Body[..p.HeaderLength!.Value] : []);

        json.ShouldBe("""{"parameters":{"binary_data_output":true},"inputs":[{"name":"ids","shape":[2],"datatype":"INT64","parameters":{"binary_data_size":16}}]}""");
    }

    [Fact]
    public async Task CreateContent_Binary_CarriesTheHeaderLengthAndTheSameBytes()
    {
        InferPayload payload = new InferRequest(X).Encode(InferProtocol.KServeBinary);

        using HttpContent content = payload.CreateContent();

        content.Headers.GetValues("Inference-Header-Content-Length").Single().ShouldBe(payload.HeaderLength!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        (await content.ReadAsByteArrayAsync()).ShouldBe(payload.Body);
    }

    [Fact]
    public void Encode_TfServingRowOneInput_OneInstancePerBatchElement()
    {
        var request = new InferRequest(InferTensor.Fp32("x", [2, 2], [1, 2, 3, 4])) { SignatureName = "serving_default" };

        Encoding.UTF8.GetString(request.Encode(InferProtocol.TfServingRow).Body).ShouldBe("""{"signature_name":"serving_default","instances":[[1,2],[3,4]]}""");
    }

    [Fact]
    public void Encode_TfServingRowSeveralInputs_InstancesAreObjectsAndBytesAreB64()
    {
        var request = new InferRequest(InferTensor.Fp32("x", [2, 2], [1, 2, 3, 4]), Words);

        Encoding.UTF8.GetString(request.Encode(InferProtocol.TfServingRow).Body).ShouldBe(
            """{"instances":[{"x":[1,2],"t":{"b64":"YQ=="}},{"x":[3,4],"t":{"b64":"YmM="}}]}""");
    }

    [Fact]
    public void Encode_TfServingColumnar_EachInputWholeNestedByItsShape()
    {
        var one = new InferRequest(InferTensor.Fp32("x", [2, 2], [1, 2, 3, 4]));
        var two = new InferRequest(InferTensor.Fp32("x", [2, 2], [1, 2, 3, 4]), Words);

        Encoding.UTF8.GetString(one.Encode(InferProtocol.TfServingColumnar).Body).ShouldBe("""{"inputs":[[1,2],[3,4]]}""");
        Encoding.UTF8.GetString(two.Encode(InferProtocol.TfServingColumnar).Body).ShouldBe(
            """{"inputs":{"x":[[1,2],[3,4]],"t":[{"b64":"YQ=="},{"b64":"YmM="}]}}""");
    }

    [Fact]
    public void Encode_TfServingRowWithAScalarOrTwoBatchSizes_RefusedNamingTheColumnarFormat()
    {
        var scalar = new InferRequest(InferTensor.Int64("n", [], [3]));
        var mixed = new InferRequest(InferTensor.Fp32("x", [2, 2], [1, 2, 3, 4]), InferTensor.Int64("n", [3], [1, 2, 3]));

        Should.Throw<ArgumentException>(() => scalar.Encode(InferProtocol.TfServingRow)).Message.ShouldContain("Input 'n' is a scalar");
        Should.Throw<ArgumentException>(() => mixed.Encode(InferProtocol.TfServingRow)).Message.ShouldContain("batch sizes 2 and 3");
        Encoding.UTF8.GetString(scalar.Encode(InferProtocol.TfServingColumnar).Body).ShouldBe("""{"inputs":3}""");
    }

    [Fact]
    public void Tensor_ShapeThatDoesNotHoldTheValues_RefusedWithBothCounts()
    {
        Should.Throw<ArgumentException>(() => InferTensor.Fp32("x", [2, 2], [1, 2, 3])).Message.ShouldStartWith("Tensor 'x': shape [2,2] holds 4 elements, but 3 were given.");
        Should.Throw<ArgumentException>(() => InferTensor.Fp32("x", [-1, 3], [1, 2, 3])).Message.ShouldContain("negative dimension");
    }

    [Fact]
    public void Request_NoInputsOrTwoWithOneName_Refused()
    {
        Should.Throw<ArgumentException>(() => new InferRequest()).Message.ShouldContain("at least one input");
        Should.Throw<ArgumentException>(() => new InferRequest(X, X)).Message.ShouldContain("Two inputs are named 'x'");
    }

    [Fact]
    public void Encode_KServeJsonOfBytesThatAreNotText_RefusedNamingTheBinaryExtension()
    {
        var request = new InferRequest(InferTensor.Bytes("raw", [1], [[0xFF, 0xFE]]));

        Should.Throw<ArgumentException>(() => request.Encode(InferProtocol.KServeJson)).Message.ShouldContain("InferProtocol.KServeBinary");
        request.Encode(InferProtocol.KServeBinary).Body[^6..].ShouldBe(new byte[] { 2, 0, 0, 0, 0xFF, 0xFE });
    }

    [Fact]
    public void Encode_Fp16AndInt32_WrittenAsNumbersInJsonAndTwoAndFourBytesInBinary()
    {
        var request = new InferRequest(InferTensor.Fp16("h", [2], [(Half)0.5, (Half)(-1)]), InferTensor.Int32("i", [1], [258]), InferTensor.UInt8("u", [1], [200]));

        string json = Encoding.UTF8.GetString(request.Encode(InferProtocol.KServeJson).Body);
        InferPayload binary = request.Encode(InferProtocol.KServeBinary);

        json.ShouldContain("\"datatype\":\"FP16\",\"data\":[0.5,-1]");
        json.ShouldContain("\"datatype\":\"INT32\",\"data\":[258]");
        json.ShouldContain("\"datatype\":\"UINT8\",\"data\":[200]");
        binary.Body[binary.HeaderLength!.Value..].ShouldBe(new byte[] { 0x00, 0x38, 0x00, 0xBC, 0x02, 0x01, 0x00, 0x00, 200 });
    }

    [Fact]
    public void PayloadPool_Next_TakesEachInTurnFromSeveralThreads()
    {
        var pool = new InferPayloadPool(Enumerable.Range(0, 4).Select(i => new InferRequest(InferTensor.Int64("n", [1], [i])).Encode(InferProtocol.KServeJson)));
        var seen = new System.Collections.Concurrent.ConcurrentBag<InferPayload>();

        Parallel.For(0, 400, _ => seen.Add(pool.Next()));

        seen.GroupBy(p => p).Select(g => g.Count()).ShouldAllBe(n => n == 100);
    }
}
