namespace Stampede.Demo.Llm;

/// <summary>Which OpenAI-compatible route a request came to: it decides the answer's shape.</summary>
internal enum LlmRequestKind
{
    /// <summary><c>POST /v1/chat/completions</c>: <c>messages</c> in, <c>chat.completion</c> out.</summary>
    Chat,

    /// <summary><c>POST /v1/completions</c>: <c>prompt</c> in, <c>text_completion</c> out.</summary>
    Completion,
}
