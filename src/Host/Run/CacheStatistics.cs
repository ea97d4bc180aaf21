namespace RepLens.Host.Run;

/// <summary>Cache hits and misses of one run, reported in the manifest.</summary>
internal sealed class CacheStatistics
{
    private int _activationHits, _activationMisses, _rdmHits, _rdmMisses, _targetHits, _targetMisses;

    public int ActivationHits => _activationHits;
    public int ActivationMisses => _activationMisses;
    public int RdmHits => _rdmHits;
    public int RdmMisses => _rdmMisses;
    public int TargetHits => _targetHits;
    public int TargetMisses => _targetMisses;

    public void ActivationHit() => Interlocked.Increment(ref _activationHits);
    public void ActivationMiss() => Interlocked.Increment(ref _activationMisses);
    public void RdmHit() => Interlocked.Increment(ref _rdmHits);
    public void RdmMiss() => Interlocked.Increment(ref _rdmMisses);
    public void TargetHit() => Interlocked.Increment(ref _targetHits);
    public void TargetMiss() => Interlocked.Increment(ref _targetMisses);
}
