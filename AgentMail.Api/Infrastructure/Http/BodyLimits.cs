using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Infrastructure.Http;

/// <summary>
/// Request body limits. An endpoint declares its own with <see cref="WithBodyLimit"/> (send and
/// drafts carry attachments); every other /v3 endpoint gets <see cref="ApiOptions.MaxJsonBodyBytes"/>.
/// Reading past the limit fails with Kestrel's 413, which the exception handler words as Nylas does.
/// </summary>
public static class BodyLimits
{
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(maxBytes));

    public static async Task ApplyAsync(HttpContext context, RequestDelegate next)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false } && context.GetEndpoint() is { } endpoint)
        {
            var declared = endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
            if (declared is not null)
                feature.MaxRequestBodySize = declared.MaxRequestBodySize;
            else if (context.Request.Path.StartsWithSegments("/v3"))
                feature.MaxRequestBodySize = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxJsonBodyBytes;
        }
        await next(context);
    }

    private sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
