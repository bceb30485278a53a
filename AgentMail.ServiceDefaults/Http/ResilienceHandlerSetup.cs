using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace AgentMail.ServiceDefaults.Http;

/// <summary>
/// Adds the resilience handler to every named client's handler chain. This is what
/// <c>ConfigureHttpClientDefaults</c> would do, except that its handler callbacks are not told the
/// client's name, and the pipeline (with its circuit state) and the opt-out are per name.
/// </summary>
internal sealed class ResilienceHandlerSetup(HttpResiliencePipelines pipelines) : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        var clientName = name ?? Options.DefaultName;
        // Decided when the client's chain is first built, so an opt-out registered after
        // AddServiceDefaults still counts.
        options.HttpMessageHandlerBuilderActions.Add(handlers =>
        {
            if (pipelines.OptionsFor(clientName).Enabled)
                handlers.AdditionalHandlers.Insert(0, new ResilienceHandler(pipelines.For(clientName)));
        });
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);
}
