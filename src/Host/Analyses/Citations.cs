namespace RepLens.Host.Analyses;

/// <summary>The papers behind the methods, once each, for the analyses' reference lists in the report.</summary>
internal static class Citations
{
    public const string Kriegeskorte2008 =
        "Kriegeskorte, N., Mur, M., & Bandettini, P. (2008). Representational similarity analysis – connecting the branches of systems neuroscience. Front. Syst. Neurosci. 2:4. doi:10.3389/neuro.06.004.2008";

    public const string Nili2014 =
        "Nili, H., Wingfield, C., Walther, A., Su, L., Marslen-Wilson, W., & Kriegeskorte, N. (2014). A toolbox for representational similarity analysis. PLoS Comput. Biol. 10(4): e1003553. doi:10.1371/journal.pcbi.1003553";

    public const string BenjaminiHochberg1995 =
        "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and powerful approach to multiple testing. J. R. Stat. Soc. B 57(1), 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x";

    public const string BenjaminiYekutieli2001 =
        "Benjamini, Y., & Yekutieli, D. (2001). The control of the false discovery rate in multiple testing under dependency. Ann. Statist. 29(4), 1165–1188. doi:10.1214/aos/1013699998";

    public const string Efron1993 =
        "Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall. doi:10.1201/9780429246593";

    public const string Allen2022 =
        "Allen, E. J., et al. (2022). A massive 7T fMRI dataset to bridge cognitive neuroscience and artificial intelligence. Nat. Neurosci. 25, 116–126. doi:10.1038/s41593-021-00962-x";

    public const string IttiKoch1998 =
        "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE Trans. Pattern Anal. Mach. Intell. 20(11), 1254–1259. doi:10.1109/34.730558";
}
