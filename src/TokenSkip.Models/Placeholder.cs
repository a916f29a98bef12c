namespace TokenSkip.Models;
internal static class Placeholder { }
