namespace RepLens.Host.Cli;

/// <summary>Input the user can fix (a bad option combination, an unknown model, …); exits with <see cref="ExitCodes.BadInput"/>.</summary>
internal sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
