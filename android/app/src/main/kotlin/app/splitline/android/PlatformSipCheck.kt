package app.splitline.android

import android.content.Context
import android.content.pm.PackageManager
import app.splitline.shell.sip.PlatformSipStatus
import app.splitline.shell.sip.SipProbe
import app.splitline.shell.sip.decidePlatformSip

/** Asks `android.net.sip.SipManager` whether it supports the API and VoIP; null when it can't be reached. */
fun interface SipManagerQuery {
    fun query(context: Context): Pair<Boolean, Boolean>?
}

/**
 * `android.net.sip` is in no SDK jar (AOSP ships it as a separate library, and
 * it is deprecated since API 31), so it is reached by reflection and nothing
 * of it is compiled in or packaged.
 */
object ReflectiveSipManager : SipManagerQuery {
    override fun query(context: Context): Pair<Boolean, Boolean>? =
        try {
            val manager = Class.forName("android.net.sip.SipManager")
            val api = manager.getMethod("isApiSupported", Context::class.java).invoke(null, context) as Boolean
            val voip = manager.getMethod("isVoipSupported", Context::class.java).invoke(null, context) as Boolean
            api to voip
        } catch (e: ReflectiveOperationException) {
            null
        } catch (e: ClassCastException) {
            null
        } catch (e: LinkageError) {
            null
        }
}

/**
 * The platform SIP check: the package manager's features first, then
 * `SipManager`. The decision is [decidePlatformSip] in the shell.
 */
class PlatformSipCheck(
    private val context: Context,
    private val sipManager: SipManagerQuery = ReflectiveSipManager,
) {
    fun probe(): SipProbe {
        val packages = context.packageManager
        val sip = packages.hasSystemFeature(PackageManager.FEATURE_SIP)
        val voip = packages.hasSystemFeature(PackageManager.FEATURE_SIP_VOIP)
        val answers = if (sip || voip) sipManager.query(context) else null
        return SipProbe(
            hasSipFeature = sip,
            hasSipVoipFeature = voip,
            apiSupported = answers?.first,
            voipSupported = answers?.second,
        )
    }

    fun status(): PlatformSipStatus = decidePlatformSip(probe())
}
