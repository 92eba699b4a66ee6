namespace Stampede.Tool.Commands;

/// <summary>What <c>stampede new</c> was asked for.</summary>
/// <param name="Name">The file's name, with or without <c>.cs</c>.</param>
/// <param name="Template">The template's name.</param>
/// <param name="OutputDirectory">The folder to write into.</param>
/// <param name="Force">Overwrite an existing file.</param>
internal sealed record NewSettings(string Name, string Template, string OutputDirectory, bool Force);
