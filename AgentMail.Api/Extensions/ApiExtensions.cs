using AgentMail.Api;
using AgentMail.Api.Attachments;
using AgentMail.Api.Drafts;
using AgentMail.Api.Folders;
using AgentMail.Api.Grants;
using AgentMail.Api.Messages;
using AgentMail.Api.Sending;
using AgentMail.Api.Threads;
using AgentMail.Mailbox.Hosting;
using AgentMail.Api.Infrastructure.Authentication;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Http;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.OpenApi;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Api.Infrastructure.RateLimiting;
using AgentMail.Api.Webhooks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the API adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class ApiExtensions
{
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The base every endpoint group stands on: API-key auth, errors, JSON, page tokens.
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<PageTokens>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = ApiJson.Default.Options.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = ApiJson.Default.Options.DefaultIgnoreCondition;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default);
        });
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer<ApiDocumentTransformer>());
        services.AddApiRateLimiting(builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions());

        // Endpoint groups' own services.
        services.AddSingleton<GrantList>();
        services.AddSingleton<FolderLookup>();
        services.AddSingleton<MessageReader>();
        services.AddSingleton<MessageUpdates>();
        services.AddSingleton<MessageReplies>();
        services.AddSingleton<ThreadReader>();
        services.AddSingleton<OutgoingMessageFactory>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddHostedService<IdempotencyKeyCleanup>();
        builder.AddWebhookDelivery();
        services.AddSingleton<WebhookValidation>();
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        app.Use(RequestId.AssignAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages(BodylessErrors.WriteAsync);
        app.Use(BodyLimits.ApplyAsync);
        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.RateLimitPerSecond > 0)
            app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();

        // Nylas v3 paths, one MapGroup per resource (see AgentMail.Api/README.md to add one).
        var v3 = app.MapGroup("/v3").RequireAuthorization();
        v3.MapConnectEndpoints();
        v3.MapGrantEndpoints();
        var grant = v3.MapGroup("/grants/{grant_id}");
        grant.MapMessageEndpoints();
        grant.MapThreadEndpoints();
        grant.MapFolderEndpoints();
        grant.MapAttachmentEndpoints();
        var maxMessageBytes = app.Services.GetRequiredService<IOptions<MailboxOptions>>().Value.MaxMessageBytes;
        grant.MapSendEndpoints(maxMessageBytes);
        grant.MapDraftEndpoints(maxMessageBytes);
        v3.MapWebhookEndpoints();
        return app;
    }
}
