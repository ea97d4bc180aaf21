using TorchSharp;

namespace RepLens.Rsa;

/// <summary>Maps <see cref="RsaDevice"/> to a TorchSharp device.</summary>
internal static class TorchDevices
{
    public static torch.Device Resolve(RsaDevice device)
    {
        switch (device)
        {
            case RsaDevice.Cpu:
                return torch.CPU;
            case RsaDevice.Cuda:
                if (!torch.cuda.is_available())
                    throw new InvalidOperationException(
                        "Device 'cuda' was asked for, but TorchSharp sees no CUDA device (this build carries the CPU libtorch; build with -p:LibTorchPackage=libtorch-cuda-12.8-linux-x64 on a CUDA machine), or use device 'auto' or 'cpu'.");
                return torch.CUDA;
            case RsaDevice.Auto:
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, "Unknown device.");
        }
    }
}
