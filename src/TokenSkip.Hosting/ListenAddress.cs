using System.Net;

namespace TokenSkip.Hosting;

/// <summary>What a <see cref="TokenSkipServerOptions.Host"/> value means for who can reach the server.</summary>
public static class ListenAddress
{
    /// <summary>True for the wildcards that listen on every interface: <c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>::</c>, <c>[::]</c>.</summary>
    public static bool IsAnyAddress(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var trimmed = host.Trim();
        return trimmed is "*" or "+"
            || IPAddress.TryParse(trimmed.Trim('[', ']'), out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));
    }

    /// <summary>True when only this machine can connect: <c>localhost</c>, or a loopback address (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var trimmed = host.Trim();
        return string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(trimmed.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
