using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Http;

/// <summary>
/// Every response carries a request id: in its JSON (<c>request_id</c>, Nylas's field) and in the
/// <c>X-Request-Id</c> header, which the Nylas SDKs read into their errors.
/// </summary>
public static class RequestId
{
    public const string HeaderName = "X-Request-Id";
    private static readonly object Key = new();

    public static string GetRequestId(this HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var value) && value is string id)
            return id;
        id = Guid.CreateVersion7().ToString();
        context.Items[Key] = id;
        return id;
    }

    /// <summary>Assigns the id before anything else runs, so that every response (errors included) has it.</summary>
    public static async Task AssignAsync(HttpContext context, RequestDelegate next)
    {
        var id = context.GetRequestId();
        context.Response.Headers[HeaderName] = id;
        await next(context);
    }
}
