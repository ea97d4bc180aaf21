namespace RepLens.Abstractions;

/// <summary>Order of colour channels in the network's input tensor.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (PyTorch exports).</summary>
    Rgb,

    /// <summary>Blue, green, red (Caffe/CNTK exports).</summary>
    Bgr,
}
