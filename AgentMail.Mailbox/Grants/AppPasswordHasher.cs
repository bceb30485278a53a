using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace AgentMail.Mailbox.Grants;

/// <summary>bcrypt (OpenBSD <c>$2b$</c> format) through BouncyCastle's OpenBsdBCrypt.</summary>
public static class AppPasswordHasher
{
    public static string Hash(string password, int cost)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return OpenBsdBCrypt.Generate("2b", password.ToCharArray(), salt, cost);
    }

    /// <summary>Constant-time verification (inside BouncyCastle); false for a malformed hash.</summary>
    public static bool Verify(string hash, string password)
    {
        try
        {
            return OpenBsdBCrypt.CheckPassword(hash, password.ToCharArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
