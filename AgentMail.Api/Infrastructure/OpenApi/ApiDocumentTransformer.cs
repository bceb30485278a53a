using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentMail.Api.Infrastructure.OpenApi;

/// <summary>Title, description and the Bearer API-key scheme of /openapi/v1.json.</summary>
public sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "AgentMail API",
            Version = "v3",
            Description = "Nylas v3-compatible REST API of AgentMail: grants, messages, threads, folders, drafts, send and attachments. " +
                "Authenticate with 'Authorization: Bearer <API key>'. Responses are {request_id, data}; lists add next_cursor " +
                "(pass it back as page_token); errors are {request_id, error: {type, message}}.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key from Api:Keys.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
        return Task.CompletedTask;
    }
}
