using Microsoft.ML.OnnxRuntime;

namespace Stampede.Demo.Inference;

/// <summary>
/// One thread's input and output tensors, pinned for its lifetime so that an inference allocates nothing.
/// Not thread-safe: each worker owns one.
/// </summary>
internal sealed class ModelBuffers : IDisposable
{
    private readonly OrtValue _input;
    private readonly OrtValue _output;

    public ModelBuffers(long[] inputShape, long[] outputShape)
    {
        Input = new float[ResNetModel.InputLength];
        Output = new float[ResNetModel.EmbeddingLength];
        _input = OrtValue.CreateTensorValueFromMemory(Input, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(Output, outputShape);
        Inputs = [_input];
        Outputs = [_output];
        RunOptions = new RunOptions();
    }

    /// <summary>The normalised CHW image the next inference reads.</summary>
    public float[] Input { get; }

    /// <summary>The embedding the last inference wrote.</summary>
    public float[] Output { get; }

    internal OrtValue[] Inputs { get; }

    internal OrtValue[] Outputs { get; }

    internal RunOptions RunOptions { get; }

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        RunOptions.Dispose();
    }
}
