using AgentMail.Api;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the API adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class ApiExtensions
{
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        // API-key authentication (ApiOptions.Keys) and the endpoint groups are added here.
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        app.MapOpenApi();
        // Nylas v3 paths: /v3/grants, /v3/grants/{grantId}/messages, ... one MapGroup per resource.
        app.MapGroup("/v3");
        return app;
    }
}
