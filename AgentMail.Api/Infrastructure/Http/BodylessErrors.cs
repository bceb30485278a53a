using AgentMail.Api.Infrastructure.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Http;

/// <summary>
/// Gives the error envelope to responses the framework ends without a body: no route (404), a
/// route without that method (405), an unsupported media type (415).
/// </summary>
public static class BodylessErrors
{
    public static Task WriteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var code = context.Response.StatusCode;
        var (type, message) = code switch
        {
            StatusCodes.Status404NotFound => (ApiErrorTypes.NotFound, $"No endpoint {context.Request.Path} exists."),
            StatusCodes.Status405MethodNotAllowed => (ApiErrorTypes.InvalidRequest, $"{context.Request.Method} is not allowed on {context.Request.Path}."),
            StatusCodes.Status401Unauthorized => (ApiErrorTypes.Unauthorized, "Unauthorized."),
            StatusCodes.Status413PayloadTooLarge => (ApiErrorTypes.PayloadTooLarge, "The request body is too large."),
            StatusCodes.Status429TooManyRequests => (ApiErrorTypes.RateLimit, "Too many requests, please try again shortly."),
            >= 500 => (ApiErrorTypes.Api, "An internal error occurred."),
            _ => (ApiErrorTypes.InvalidRequest, "The request is invalid."),
        };
        return ErrorResponse.WriteAsync(context, code, type, message);
    }
}
