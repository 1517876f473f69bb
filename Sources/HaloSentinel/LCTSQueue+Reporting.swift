import HaloCore

extension LCTSQueue {
    /// The reward per token to show: the current generation's, or, for a dormant queue, the
    /// final value of the generation that last finalized (so `generation 1, 0.98` describes the
    /// settlement that just happened rather than reading as zero).
    var reportedRewardPerToken: UInt256 {
        if current != nil { return rewardPerToken }
        return finalized[lastGeneration] ?? .zero
    }
}
