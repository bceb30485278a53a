using AgentMail.Api.Infrastructure.Errors;

namespace AgentMail.Api.Grants;

internal static class GrantValidation
{
    public const int MaxNameLength = 256;

    public static string? Name(string? name)
    {
        if (name is null)
            return null;
        if (name.Length > MaxNameLength)
            throw ApiException.BadRequest($"'name' must be at most {MaxNameLength} characters.");
        if (name.Any(char.IsControl))
            throw ApiException.BadRequest("'name' must not contain control characters.");
        return name;
    }

    public static long? Quota(long? quota) => quota is < 0
        ? throw ApiException.BadRequest("'quota_bytes' must not be negative.")
        : quota;
}
