using System.Text;
using Stampede.Inference;

namespace Stampede.Core.Tests.Inference;

public sealed class InferResponseTests
{
    [Fact]
    public void ReadKServe_Json_OutputsWithNestedDataFlattenedAndTheirShapes()
    {
        InferResponse response = InferResponse.ReadKServe(Bytes(
            """{"model_name":"m","model_version":"1","id":"r1","outputs":[{"name":"y","shape":[1,2],"datatype":"FP32","data":[[0.5,2.5]]},{"name":"w","shape":[1],"datatype":"BYTES","data":["cat"]}]}"""));

        response.ModelName.ShouldBe("m");
        response.ModelVersion.ShouldBe("1");
        response.Id.ShouldBe("r1");
        InferOutput y = response.Output("y")!;
        y.Datatype.ShouldBe(TensorDatatype.Fp32);
        y.Shape.ShouldBe([1, 2]);
        y.ToFloats().ShouldBe([0.5f, 2.5f]);
        y.ArgMax().ShouldBe(1);
        response.Output("w")!.Texts().ShouldBe(["cat"]);
        response.Output("z").ShouldBeNull();
    }

    [Fact]
    public void ReadKServe_Binary_EachOutputTakesItsBinaryDataSizeInOrder()
    {
        byte[] header = Bytes(
            """{"outputs":[{"name":"c","shape":[2],"datatype":"INT32","parameters":{"binary_data_size":8}},{"name":"s","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":6}}]}""");
        byte[] body = [.. header, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, (byte)'o', (byte)'k'];

        InferResponse response = InferResponse.ReadKServe(body, header.Length);

        response.Output("c")!.ToFloats().ShouldBe([3f, -1f]);
        response.Output("s")!.Texts().ShouldBe(["ok"]);
    }

    [Theory]
    [InlineData("not json", null, "the answer is not valid JSON")]
    [InlineData("""{"outputs":{}}""", null, "the answer has no \"outputs\" array")]
    [InlineData("""{"error":"model not ready"}""", null, "the server answered an error: model not ready")]
    [InlineData("""{"outputs":[{"name":"y","shape":[3],"datatype":"FP32","data":[1,2]}]}""", null, "output 'y' has 2 values; its shape [3] needs 3")]
    [InlineData("""{"outputs":[{"name":"y","shape":[1],"datatype":"FP8","data":[1]}]}""", null, "output 'y' has datatype 'FP8', not one of the protocol's")]
    [InlineData("""{"outputs":[{"name":"y","shape":[2],"datatype":"INT32","data":[1,"a"]}]}""", null, "output 'y' is INT32 but holds \"a\", which does not fit it")]
    [InlineData("""{"outputs":[{"name":"y","shape":[2],"datatype":"UINT8","data":[1,300]}]}""", null, "output 'y' is UINT8 but holds 300, which does not fit it")]
    [InlineData("""{"outputs":[{"name":"y","shape":[2,2],"datatype":"FP32","data":[[1,2],[3]]}]}""", null, "output 'y' is not rectangular")]
    [InlineData("""{"outputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}""", null, "an output has no \"name\"")]
    [InlineData("""{"outputs":[{"name":"y","datatype":"FP32","data":[1]}]}""", null, "output 'y' has no \"shape\" array")]
    [InlineData("""{"outputs":[{"name":"y","shape":[1],"datatype":"FP32"}]}""", null, "output 'y' has neither \"data\" nor binary_data_size")]
    [InlineData("""{"outputs":[{"name":"y","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}]}""", 4, "output 'y' says binary_data_size 8; 4 bytes of binary data are left")]
    [InlineData("""{"outputs":[{"name":"y","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":4}}]}""", 8, "the answer has 8 bytes of binary data after its header; its outputs' binary_data_size add up to 4")]
    [InlineData("""{"outputs":[{"name":"y","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":3}}]}""", 3, "output 'y' has 3 bytes of binary data, not a whole number of FP32")]
    public void ReadKServe_Malformed_ThrowsSayingWhatIsWrong(string json, int? binaryBytes, string reason)
    {
        byte[] header = Bytes(json);
        byte[] body = [.. header, .. new byte[binaryBytes ?? 0]];

        InferResponseException exception = Should.Throw<InferResponseException>(() => InferResponse.ReadKServe(body, binaryBytes is null ? null : header.Length));

        exception.Message.ShouldStartWith(reason);
    }

    [Fact]
    public void ReadKServe_HeaderLengthPastTheBody_Throws()
    {
        Should.Throw<InferResponseException>(() => InferResponse.ReadKServe(Bytes("{}"), 10)).Message.ShouldContain("header length (10) is outside its 2 bytes");
    }

    [Fact]
    public void ReadTfServing_Predictions_OneOutputWithTheBatchDimensionFirst()
    {
        InferResponse response = InferResponse.ReadTfServing(Bytes("""{"predictions":[[0.1,0.9],[0.8,0.2]]}"""));

        InferOutput predictions = response.Outputs.ShouldHaveSingleItem();
        predictions.Name.ShouldBe("predictions");
        predictions.Shape.ShouldBe([2, 2]);
        predictions.Datatype.ShouldBe(TensorDatatype.Fp64);
        predictions.ToFloats().ShouldBe([0.1f, 0.9f, 0.8f, 0.2f]);
    }

    [Fact]
    public void ReadTfServing_PredictionsOfSeveralOutputs_EachOutputsInstancesPutTogether()
    {
        InferResponse response = InferResponse.ReadTfServing(Bytes("""{"predictions":[{"scores":[1,2],"label":"cat"},{"scores":[3,4],"label":{"b64":"ZG9n"}}]}"""));

        response.Output("scores")!.Shape.ShouldBe([2, 2]);
        response.Output("scores")!.ToFloats().ShouldBe([1f, 2f, 3f, 4f]);
        response.Output("label")!.Texts().ShouldBe(["cat", "dog"]);
    }

    [Fact]
    public void ReadTfServing_ColumnarOutputs_NamedOrWhole()
    {
        InferResponse.ReadTfServing(Bytes("""{"outputs":{"scores":[[1,2]]}}""")).Output("scores")!.Shape.ShouldBe([1, 2]);
        InferResponse.ReadTfServing(Bytes("""{"outputs":[[true,false]]}""")).Output("outputs")!.Datatype.ShouldBe(TensorDatatype.Bool);
    }

    [Theory]
    [InlineData("""{"error":"Input size does not match signature"}""", "the server answered an error: Input size does not match signature")]
    [InlineData("""{"result":[1]}""", "the answer has neither \"predictions\" nor \"outputs\"")]
    [InlineData("""{"predictions":[[1,2],[3]]}""", "output 'predictions' is not rectangular")]
    [InlineData("""{"predictions":[{"a":1},{"b":2}]}""", "an instance of \"predictions\" has no output 'a'")]
    public void ReadTfServing_Malformed_ThrowsSayingWhatIsWrong(string json, string reason)
    {
        Should.Throw<InferResponseException>(() => InferResponse.ReadTfServing(Bytes(json))).Message.ShouldStartWith(reason);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
