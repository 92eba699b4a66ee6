using System.Text;
using Stampede.Demo.Http;

namespace Stampede.Demo.Tests.Http;

public sealed class KServeRequestParserTests
{
    private const int InputLength = 3 * 224 * 224;

    [Fact]
    public void Parse_NestedData_FlattensInRowMajorOrder()
    {
        var data = new float[InputLength];
        var nested = new StringBuilder("{\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"data\":[");
        for (var c = 0; c < 3; c++)
        {
            nested.Append(c > 0 ? ",[" : "[");
            for (var y = 0; y < 224; y++)
            {
                nested.Append(y > 0 ? ",[" : "[");
                nested.AppendJoin(',', Enumerable.Range(0, 224).Select(x => c * 224 * 224 + y * 224 + x));
                nested.Append(']');
            }

            nested.Append(']');
        }

        nested.Append("],\"shape\":[1,3,224,224],\"parameters\":{\"x\":1}}],\"id\":\"n\",\"outputs\":[{\"name\":\"Pooling395_Output_0\"}]}");

        var request = KServeRequestParser.Parse(Encoding.UTF8.GetBytes(nested.ToString()), data);

        request.ShouldBe(new KServeInferRequest("n", "pixels"));
        data[0].ShouldBe(0);
        data[InputLength - 1].ShouldBe(InputLength - 1);
        data[224 * 224 + 5].ShouldBe(224 * 224 + 5);
    }

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":[1]},{\"name\":\"b\"}]}", "exactly one input")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP16\",\"data\":[1]}]}", "datatype 'FP16'")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":602112}}]}", "needs the Inference-Header-Content-Length header")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,-3],\"datatype\":\"FP32\",\"data\":[1]}]}", "non-negative integers")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\"}]}", "no \"data\"")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":[true]}]}", "only numbers")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":[1e999]}]}", "finite")]
    [InlineData("{\"inputs\":[{\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":[1]}]}", "no \"name\"")]
    [InlineData("{\"inputs\":[],\"outputs\":[{\"name\":\"logits\"}]}", "one output")]
    [InlineData("{\"inputs\":{}}", "must be an array")]
    [InlineData("{\"inputs\":[{\"name\":\"a\",\"data\":[1,2", "not valid JSON")]
    public void Parse_RequestThatDoesNotFit_ThrowsWithReason(string json, string reason)
    {
        var exception = Should.Throw<KServeRequestException>(() => KServeRequestParser.Parse(Encoding.UTF8.GetBytes(json), new float[InputLength]));

        exception.Message.ShouldContain(reason);
    }

    [Fact]
    public void Parse_TooManyValues_StopsAtTheBuffer()
    {
        var json = "{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"data\":[" + string.Join(',', Enumerable.Repeat("0", InputLength + 1)) + "]}]}";

        var exception = Should.Throw<KServeRequestException>(() => KServeRequestParser.Parse(Encoding.UTF8.GetBytes(json), new float[InputLength]));

        exception.Message.ShouldContain($"more than {InputLength} values");
    }
}
