using System.Buffers.Binary;
using Google.Protobuf;

namespace Stampede.Inference.Grpc;

/// <summary>
/// <see cref="InferRequest"/> to the KServe v2 gRPC <c>ModelInferRequest</c> (every input as <c>raw_input_contents</c>,
/// serialised once), and <c>ModelInferResponse</c> back to an <see cref="InferResponse"/>.
/// </summary>
internal static class GrpcInferEncoding
{
    public const string ContentType = "application/grpc";

    /// <summary>
    /// The request serialised without <c>model_name</c> and <c>model_version</c>: the client writes those (a few bytes)
    /// in front of it for each model, and protobuf reads the two as one message.
    /// </summary>
    public static InferPayload Encode(InferRequest request)
    {
        var message = new ModelInferRequest { Id = request.Id ?? string.Empty };
        AddParameters(message.Parameters, request.Parameters, "the request");
        foreach (InferTensor input in request.Inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.Datatype.Name() };
            tensor.Shape.AddRange(input.Shape);
            AddParameters(tensor.Parameters, input.Parameters, $"input '{input.Name}'");
            message.Inputs.Add(tensor);
            message.RawInputContents.Add(ByteString.CopyFrom(input.Data.Span));
        }

        foreach (string output in request.Outputs)
        {
            message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output });
        }

        return new InferPayload(InferProtocol.Grpc, message.ToByteArray(), ContentType, null, request.Outputs);
    }

    /// <summary>The fields that name the model, serialised: written in front of an <see cref="Encode"/>d body.</summary>
    public static byte[] ModelPrefix(string model, string? version) =>
        new ModelInferRequest { ModelName = model, ModelVersion = version ?? string.Empty }.ToByteArray();

    /// <exception cref="InferResponseException">An output's values do not fit its datatype and shape, or raw contents do not match the outputs.</exception>
    public static InferResponse Decode(ModelInferResponse response)
    {
        bool raw = response.RawOutputContents.Count > 0;
        if (raw && response.RawOutputContents.Count != response.Outputs.Count)
        {
            throw new InferResponseException($"the answer has {response.Outputs.Count} outputs but {response.RawOutputContents.Count} raw_output_contents");
        }

        var outputs = new List<InferOutput>(response.Outputs.Count);
        for (int i = 0; i < response.Outputs.Count; i++)
        {
            ModelInferResponse.Types.InferOutputTensor output = response.Outputs[i];
            string name = output.Name;
            TensorDatatype datatype = InferResponse.ParseDatatype(name, output.Datatype);
            byte[] data = raw ? response.RawOutputContents[i].ToByteArray() : FromContents(name, datatype, output.Contents);
            outputs.Add(InferResponse.Checked(name, datatype, [.. output.Shape], data));
        }

        return new InferResponse(
            NullIfEmpty(response.ModelName), NullIfEmpty(response.ModelVersion), NullIfEmpty(response.Id), outputs);
    }

    private static byte[] FromContents(string name, TensorDatatype datatype, InferTensorContents? contents)
    {
        if (contents is null)
        {
            throw new InferResponseException($"output '{name}' has neither contents nor raw_output_contents");
        }

        int size = datatype.ElementSize();
        switch (datatype)
        {
            case TensorDatatype.Bool:
                return [.. contents.BoolContents.Select(b => b ? (byte)1 : (byte)0)];
            case TensorDatatype.Int8 or TensorDatatype.Int16 or TensorDatatype.Int32:
                return Fixed(contents.IntContents, size, (span, v) =>
                {
                    if (size == 1) { span[0] = unchecked((byte)(sbyte)v); }
                    else if (size == 2) { BinaryPrimitives.WriteInt16LittleEndian(span, (short)v); }
                    else { BinaryPrimitives.WriteInt32LittleEndian(span, v); }
                });
            case TensorDatatype.UInt8 or TensorDatatype.UInt16 or TensorDatatype.UInt32:
                return Fixed(contents.UintContents, size, (span, v) =>
                {
                    if (size == 1) { span[0] = (byte)v; }
                    else if (size == 2) { BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)v); }
                    else { BinaryPrimitives.WriteUInt32LittleEndian(span, v); }
                });
            case TensorDatatype.Int64:
                return Fixed(contents.Int64Contents, size, (span, v) => BinaryPrimitives.WriteInt64LittleEndian(span, v));
            case TensorDatatype.UInt64:
                return Fixed(contents.Uint64Contents, size, (span, v) => BinaryPrimitives.WriteUInt64LittleEndian(span, v));
            case TensorDatatype.Fp32:
                return Fixed(contents.Fp32Contents, size, (span, v) => BinaryPrimitives.WriteSingleLittleEndian(span, v));
            case TensorDatatype.Fp64:
                return Fixed(contents.Fp64Contents, size, (span, v) => BinaryPrimitives.WriteDoubleLittleEndian(span, v));
            case TensorDatatype.Bytes:
                return [.. contents.BytesContents.SelectMany(b => BitConverter.GetBytes((uint)b.Length).Concat(b.ToByteArray()))];
            default:
                throw new InferResponseException($"output '{name}' is {datatype.Name()}, which the protocol sends only as raw_output_contents");
        }
    }

    private delegate void WriteElement<T>(Span<byte> destination, T value);

    private static byte[] Fixed<T>(IReadOnlyList<T> values, int size, WriteElement<T> write)
    {
        byte[] data = new byte[values.Count * size];
        for (int i = 0; i < values.Count; i++)
        {
            write(data.AsSpan(i * size, size), values[i]);
        }

        return data;
    }

    private static void AddParameters(Google.Protobuf.Collections.MapField<string, InferParameter> map, IReadOnlyDictionary<string, object> parameters, string owner)
    {
        foreach ((string name, object value) in parameters)
        {
            map[name] = value switch
            {
                string s => new InferParameter { StringParam = s },
                bool b => new InferParameter { BoolParam = b },
                int i => new InferParameter { Int64Param = i },
                long l => new InferParameter { Int64Param = l },
                _ => throw new ArgumentException($"Parameter '{name}' of {owner} is a {value?.GetType().Name ?? "null"}; gRPC parameters are strings, booleans or integers."),
            };
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
