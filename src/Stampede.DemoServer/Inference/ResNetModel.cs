using Microsoft.ML.OnnxRuntime;

namespace Stampede.Demo.Inference;

/// <summary>
/// ResNet-18 (the ONNX file from <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>) on ONNX Runtime's CPU provider:
/// input <c>Input247</c>, float 1×3×224×224 (ImageNet-normalised RGB, CHW); output <c>Pooling395_Output_0</c>,
/// float 1×512×1×1 (the global-average-pooled features, i.e. a 512-value embedding).
/// One session is shared by every worker; each <see cref="Run"/> uses the calling thread only.
/// </summary>
internal sealed class ResNetModel : IDisposable
{
    public const string Name = "resnet18";
    public const string InputName = "Input247";
    public const string OutputName = "Pooling395_Output_0";
    public const int Channels = 3;
    public const int Height = 224;
    public const int Width = 224;
    public const int InputLength = Channels * Height * Width;
    public const int EmbeddingLength = 512;

    private static readonly long[] InputShape = [1, Channels, Height, Width];
    private static readonly long[] OutputShape = [1, EmbeddingLength, 1, 1];
    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [OutputName];

    private readonly InferenceSession _session;

    private ResNetModel(InferenceSession session) => _session = session;

    /// <summary>The shape clients see in KServe metadata and answers (the trailing 1×1 is dropped).</summary>
    public static IReadOnlyList<long> PublicInputShape { get; } = [1, Channels, Height, Width];

    /// <summary>The shape of the embedding in KServe answers.</summary>
    public static IReadOnlyList<long> PublicOutputShape { get; } = [1, EmbeddingLength];

    /// <summary>Where the build copies the model: <c>Models/ResNet18.onnx</c> beside the app, or beside this assembly.</summary>
    public static string DefaultPath
    {
        get
        {
            var besideApp = Path.Combine(AppContext.BaseDirectory, "Models", "ResNet18.onnx");
            if (File.Exists(besideApp))
            {
                return besideApp;
            }

            var assemblyDirectory = Path.GetDirectoryName(typeof(ResNetModel).Assembly.Location);
            return string.IsNullOrEmpty(assemblyDirectory)
                ? besideApp
                : Path.Combine(assemblyDirectory, "Models", "ResNet18.onnx");
        }
    }

    /// <summary>Creates the session and checks the model's input and output are the ones this server feeds and reads.</summary>
    /// <exception cref="FileNotFoundException">The model file is missing.</exception>
    /// <exception cref="InvalidDataException">The model has other inputs or outputs.</exception>
    public static ResNetModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ONNX model was not found at '{path}'. It is copied there by the build from the Microsoft.ML.DnnImageFeaturizer.ResNet18 package.", path);
        }

        using var options = new SessionOptions
        {
            // One thread per inference: a worker is one unit of parallelism, and N workers use N cores.
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");

        var session = new InferenceSession(path, options);
        try
        {
            CheckSignature(session, path);
            return new ResNetModel(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the model once on the calling thread: reads <see cref="ModelBuffers.Input"/>
    /// (<see cref="InputLength"/> floats), writes <see cref="ModelBuffers.Output"/>.</summary>
    /// <param name="buffers">The caller's input and output tensors (one set per thread).</param>
    public void Run(ModelBuffers buffers) =>
        _session.Run(buffers.RunOptions, InputNames, buffers.Inputs, OutputNames, buffers.Outputs);

    /// <summary>Creates the tensors one thread reuses for every inference.</summary>
    public static ModelBuffers CreateBuffers() => new(InputShape, OutputShape);

    public void Dispose() => _session.Dispose();

    private static void CheckSignature(InferenceSession session, string path)
    {
        if (!session.InputMetadata.TryGetValue(InputName, out var input)
            || input.ElementType != typeof(float)
            || !input.Dimensions.SequenceEqual([1, Channels, Height, Width]))
        {
            throw new InvalidDataException($"The model '{path}' has no float input '{InputName}' of shape [1,3,224,224].");
        }

        if (!session.OutputMetadata.TryGetValue(OutputName, out var output)
            || output.ElementType != typeof(float)
            || output.Dimensions.Aggregate(1L, (product, d) => product * d) != EmbeddingLength)
        {
            throw new InvalidDataException($"The model '{path}' has no float output '{OutputName}' of {EmbeddingLength} values.");
        }
    }
}
