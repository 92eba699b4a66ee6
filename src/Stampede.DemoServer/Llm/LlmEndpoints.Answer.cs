using System.Text.Json;

namespace Stampede.Demo.Llm;

internal sealed partial class LlmEndpoints
{
    /// <summary>What every chunk or answer of one request shares (id, creation time, model), and how each is written.</summary>
    private sealed record Answer(LlmRequest Request, string Id, long Created)
    {
        private const string FinishReason = "length"; // every answer stops at max_tokens

        private bool IsChat => Request.Kind == LlmRequestKind.Chat;

        /// <summary>The first chat chunk: a delta with the role only, no content.</summary>
        public void WriteRoleChunk(Utf8JsonWriter writer)
        {
            StartChunk(writer);
            writer.WriteStartObject("delta");
            writer.WriteString("role", "assistant");
            writer.WriteEndObject();
            EndChoice(writer, finishReason: null);
        }

        /// <summary>One token: <c>choices[0].delta.content</c> (chat) or <c>choices[0].text</c> (completions).</summary>
        public void WriteTokenChunk(Utf8JsonWriter writer, int index)
        {
            StartChunk(writer);
            if (IsChat)
            {
                writer.WriteStartObject("delta");
                writer.WriteString("content", SimulatedTokens.At(index));
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("text", SimulatedTokens.At(index));
                writer.WriteNull("logprobs");
            }

            EndChoice(writer, finishReason: null);
        }

        /// <summary>The chunk that ends the choice: no content, <c>finish_reason</c> set.</summary>
        public void WriteFinishChunk(Utf8JsonWriter writer)
        {
            StartChunk(writer);
            if (IsChat)
            {
                writer.WriteStartObject("delta");
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("text", string.Empty);
                writer.WriteNull("logprobs");
            }

            EndChoice(writer, FinishReason);
        }

        /// <summary>The usage chunk of <c>stream_options.include_usage</c>: <c>"choices":[]</c> plus <c>usage</c>.</summary>
        public void WriteUsageChunk(Utf8JsonWriter writer)
        {
            WriteHeader(writer, IsChat ? "chat.completion.chunk" : "text_completion");
            writer.WriteStartArray("choices");
            writer.WriteEndArray();
            WriteUsage(writer);
            writer.WriteEndObject();
        }

        /// <summary>The whole answer of a request that did not stream.</summary>
        public void WriteCompletion(Utf8JsonWriter writer, string text)
        {
            WriteHeader(writer, IsChat ? "chat.completion" : "text_completion");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            if (IsChat)
            {
                writer.WriteStartObject("message");
                writer.WriteString("role", "assistant");
                writer.WriteString("content", text);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("text", text);
                writer.WriteNull("logprobs");
            }

            writer.WriteString("finish_reason", FinishReason);
            writer.WriteEndObject();
            writer.WriteEndArray();
            WriteUsage(writer);
            writer.WriteEndObject();
        }

        private void StartChunk(Utf8JsonWriter writer)
        {
            WriteHeader(writer, IsChat ? "chat.completion.chunk" : "text_completion");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
        }

        private static void EndChoice(Utf8JsonWriter writer, string? finishReason)
        {
            if (finishReason is null)
            {
                writer.WriteNull("finish_reason");
            }
            else
            {
                writer.WriteString("finish_reason", finishReason);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private void WriteHeader(Utf8JsonWriter writer, string type)
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("object", type);
            writer.WriteNumber("created", Created);
            writer.WriteString("model", Request.Model);
        }

        private void WriteUsage(Utf8JsonWriter writer)
        {
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", Request.PromptTokens);
            writer.WriteNumber("completion_tokens", Request.MaxTokens);
            writer.WriteNumber("total_tokens", Request.PromptTokens + Request.MaxTokens);
            writer.WriteEndObject();
        }
    }
}
