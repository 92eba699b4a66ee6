using Stampede.Http;

namespace Stampede.Inference;

/// <summary>
/// Ready-made <c>check</c>s for inference answers (<see cref="HttpSession.InferAsync"/>, <see cref="HttpSession.PredictAsync"/>):
/// an output's datatype and shape, a classifier's top-1 class. Each fails the request with a reason that says what was
/// expected and what came; combine them with <see cref="All"/>.
/// </summary>
public static class InferChecks
{
    /// <summary>The output <paramref name="name"/> is there, with <paramref name="datatype"/> and <paramref name="shape"/> when given.</summary>
    public static Action<HttpResult> Output(string name, TensorDatatype? datatype = null, IReadOnlyList<long>? shape = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return result =>
        {
            if (Find(result, name) is not { } output)
            {
                return;
            }

            if (datatype is { } type && output.Datatype != type)
            {
                result.Failure($"output '{name}' is {output.Datatype.Name()}, expected {type.Name()}");
            }
            else if (shape is not null && !output.Shape.SequenceEqual(shape))
            {
                result.Failure($"output '{name}' has shape {InferTensor.FormatShape(output.Shape)}, expected {InferTensor.FormatShape(shape)}");
            }
        };
    }

    /// <summary>The largest value of output <paramref name="name"/> is at <paramref name="expectedClass"/> (a classifier's top-1 answer).</summary>
    public static Action<HttpResult> Top1(string name, int expectedClass)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return result =>
        {
            if (Find(result, name) is not { } output)
            {
                return;
            }

            if (output.Datatype == TensorDatatype.Bytes)
            {
                result.Failure($"output '{name}' is BYTES; a top-1 check needs scores");
                return;
            }

            int top = output.ArgMax();
            if (top != expectedClass)
            {
                result.Failure($"output '{name}' has its top-1 at class {top}, expected {expectedClass}");
            }
        };
    }

    /// <summary>Every check in turn, stopping at the first that fails the request.</summary>
    public static Action<HttpResult> All(params IReadOnlyList<Action<HttpResult>> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return result =>
        {
            foreach (Action<HttpResult> check in checks)
            {
                if (!result.IsSuccess)
                {
                    return;
                }

                check(result);
            }
        };
    }

    /// <summary>The output to check, or none when the request already failed (or the output is missing: then it fails).</summary>
    private static InferOutput? Find(HttpResult result, string name)
    {
        if (!result.IsSuccess)
        {
            return null;
        }

        if (result.Inference is not { } response)
        {
            result.Failure("the answer was not read as an inference answer; send the request with InferAsync or PredictAsync");
            return null;
        }

        if (response.Output(name) is not { } output)
        {
            result.Failure(response.NoOutputReason(name));
            return null;
        }

        return output;
    }
}
