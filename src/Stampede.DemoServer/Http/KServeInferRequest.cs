namespace Stampede.Demo.Http;

/// <summary>The parts of a KServe v2 (Open Inference Protocol) inference request this model uses.</summary>
internal readonly record struct KServeInferRequest(string? Id, string InputName);
