using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Stampede.Load;

namespace Stampede.Cluster;

/// <summary>
/// What identifies a scenario across machines: its user classes with their weights and fixed counts, each class's
/// tasks with their weights and tags, and its load shape. A coordinator refuses an agent whose scenario differs, since
/// the two would not run the same users; a rebuild of the same code on another machine has the same fingerprint.
/// </summary>
internal static class ScenarioFingerprint
{
    /// <summary>The fingerprint of the scenario made of <paramref name="userTypes"/> (user classes and at most one shape): 16 hex digits.</summary>
    /// <exception cref="ScenarioException">A class is not a usable user class.</exception>
    public static string Of(IEnumerable<Type> userTypes)
    {
        var text = new StringBuilder();
        foreach (Type type in userTypes.Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (typeof(LoadShape).IsAssignableFrom(type))
            {
                text.Append(CultureInfo.InvariantCulture, $"shape {type.FullName}\n");
                continue;
            }

            if (UserClassInfo.Create(type, [], []) is not { } info)
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"class {type.FullName} weight {info.Weight} fixed {info.FixedCount}\n");
            foreach (TaskInfo task in info.Tasks.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  task {task.Name} weight {task.Weight} tags {string.Join(',', task.Tags.Order(StringComparer.Ordinal))}\n");
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
