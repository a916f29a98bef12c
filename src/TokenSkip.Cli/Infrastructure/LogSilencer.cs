using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Drops every log entry while a condition holds and leaves the configured levels alone otherwise. <c>serve</c> uses it
/// once the model has failed to load: the command reports that failure itself as one <c>error:</c> line, like every other
/// command, and the logs would only repeat it (the worker's entry, then the host's two BackgroundService entries, each
/// with the stack) and bury it under the shutdown that follows.
/// </summary>
internal static class LogSilencer
{
    public static void SilenceWhile(IServiceCollection services, Func<bool> silent)
    {
        // Logging picks one rule per provider and category, so the condition goes into every rule, plus a catch-all
        // (at the level categories without a rule had) when there is none.
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var rules = options.Rules.ToArray();
            options.Rules.Clear();
            foreach (var rule in rules)
            {
                var filter = rule.Filter;
                options.Rules.Add(new LoggerFilterRule(rule.ProviderName, rule.CategoryName, rule.LogLevel,
                    (provider, category, level) => !silent() && (filter?.Invoke(provider, category, level) ?? true)));
            }

            if (!rules.Any(r => r.ProviderName is null && r.CategoryName is null))
            {
                options.Rules.Add(new LoggerFilterRule(null, null, options.MinLevel, (_, _, _) => !silent()));
            }
        });
    }
}
