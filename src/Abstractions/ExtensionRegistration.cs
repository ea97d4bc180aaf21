namespace RepLens.Abstractions;

/// <summary>
/// One contribution registered by a plugin (or by the host itself): its kind, its id (unique across
/// all plugins) and the implementing type. The host reads these to list what each plugin contributes
/// and to stop on duplicate ids.
/// </summary>
/// <param name="Kind">Which extension point.</param>
/// <param name="Id">The id used in configs and on the command line, e.g. <c>resnet</c> or <c>itti-koch</c>.</param>
/// <param name="ImplementationType">The registered type.</param>
public sealed record ExtensionRegistration(ExtensionKind Kind, string Id, Type ImplementationType);
