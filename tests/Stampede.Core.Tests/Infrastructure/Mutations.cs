using System.Text;
using CsCheck;

namespace Stampede.Core.Tests.Infrastructure;

/// <summary>
/// Inputs for fuzzing a parser: valid examples with a few random edits (a range deleted, noise inserted, a character
/// replaced, a slice repeated, the end cut off), and wholly random text. A parser fed them must answer or refuse with its
/// documented exception; anything else (a crash, a hang) is a bug.
/// </summary>
public static class Mutations
{
    /// <summary>The characters parsers care about, and a few they do not.</summary>
    private static readonly Gen<string> Noise = Gen.String[Gen.Char["(){}[]<>:,;\"'=\\/ \t\r\n#%.-+_*0123456789eEabkmsxyz\u00e9\u0000"], 0, 8];

    private static readonly Gen<(int Kind, double At, int Length, string Text)> Edit =
        Gen.Select(Gen.Int[0, 4], Gen.Double[0, 1], Gen.Int[0, 24], Noise);

    /// <summary>One of <paramref name="seeds"/> with up to five edits, or (one time in ten) random text.</summary>
    public static Gen<string> Of(params string[] seeds) =>
        Gen.Frequency(
            (9, Gen.Select(Gen.OneOf(seeds), Edit.Array[0, 5], Apply)),
            (1, Gen.String[0, 200]));

    private static string Apply(string seed, (int Kind, double At, int Length, string Text)[] edits)
    {
        var text = new StringBuilder(seed);
        foreach ((int kind, double at, int length, string noise) in edits)
        {
            int position = (int)(at * text.Length);
            int span = Math.Min(length, text.Length - position);
            switch (kind)
            {
                case 0:
                    text.Remove(position, span);
                    break;
                case 1:
                    text.Insert(position, noise);
                    break;
                case 2 when text.Length > 0:
                    text[Math.Min(position, text.Length - 1)] = noise.Length > 0 ? noise[0] : '\u0001';
                    break;
                case 3:
                    text.Insert(position, text.ToString(position, span));
                    break;
                case 4:
                    text.Length = position;
                    break;
            }
        }

        return text.ToString();
    }
}
