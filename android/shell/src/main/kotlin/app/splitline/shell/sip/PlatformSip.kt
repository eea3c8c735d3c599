package app.splitline.shell.sip

/**
 * What the platform said about its own SIP stack (`android.net.sip`). The
 * Android adapter fills it in; the decision below is plain Kotlin.
 *
 * [apiSupported] and [voipSupported] are `SipManager.isApiSupported` and
 * `isVoipSupported`, or null when `SipManager` could not be reached (it is in
 * no SDK jar and missing from many builds; the API is deprecated since API 31).
 */
data class SipProbe(
    val hasSipFeature: Boolean,
    val hasSipVoipFeature: Boolean,
    val apiSupported: Boolean?,
    val voipSupported: Boolean?,
)

/** Why platform SIP can or cannot carry a call, in the order it is checked. */
enum class SipReason {
    /** Neither `FEATURE_SIP` nor `FEATURE_SIP_VOIP`: the normal case today. */
    NO_SIP_FEATURE,

    /** `FEATURE_SIP` without `FEATURE_SIP_VOIP`: signalling, but no calls. */
    NO_VOIP_FEATURE,

    /** The features are declared but `SipManager` could not be reached. */
    SIP_MANAGER_MISSING,

    /** `SipManager.isApiSupported` said no. */
    API_NOT_SUPPORTED,

    /** `SipManager.isVoipSupported` said no. */
    VOIP_NOT_SUPPORTED,

    /** Everything says yes. */
    AVAILABLE,
}

/** The decision: [usable] is what the core's routing is told (`CallDevice.platformSip`). */
data class PlatformSipStatus(val reason: SipReason) {
    val usable: Boolean get() = reason == SipReason.AVAILABLE
}

/** Decides whether the platform's SIP stack can place a call. */
fun decidePlatformSip(probe: SipProbe): PlatformSipStatus =
    PlatformSipStatus(
        when {
            !probe.hasSipFeature && !probe.hasSipVoipFeature -> SipReason.NO_SIP_FEATURE
            !probe.hasSipVoipFeature -> SipReason.NO_VOIP_FEATURE
            probe.apiSupported == null || probe.voipSupported == null -> SipReason.SIP_MANAGER_MISSING
            !probe.apiSupported -> SipReason.API_NOT_SUPPORTED
            !probe.voipSupported -> SipReason.VOIP_NOT_SUPPORTED
            else -> SipReason.AVAILABLE
        },
    )
