return await RepLens.Host.Cli.ReplensCli.RunAsync(args);
