package app.splitline.android.calls

import android.content.Context
import android.util.Log

/**
 * A call over the platform's SIP stack (`android.net.sip`, reached by
 * reflection: it is in no SDK jar). Used only when the SIP check says the
 * stack is there and the core's plan chose it. `SipManager.makeAudioCall`
 * from the first SIP profile open on the phone (`getListOfProfiles`, API
 * 28+) to the callee's SIP URI. The gateway hands out no SIP credentials
 * today, so Splitline opens no profile itself: with none open the call
 * screen says so. Never run on a phone here.
 */
class PlatformSipCall(private val context: Context) {
    private var call: Any? = null

    /** Places the call to [target] (an address or an E.164 number). */
    fun place(target: String): Result<Unit> =
        try {
            val managerClass = Class.forName("android.net.sip.SipManager")
            val manager = managerClass.getMethod("newInstance", Context::class.java).invoke(null, context)
                ?: return Result.failure(IllegalStateException(NO_SIP))
            val profiles = managerClass.getMethod("getListOfProfiles").invoke(manager) as? List<*>
            val local = profiles?.firstOrNull() ?: return Result.failure(IllegalStateException(NO_PROFILE))
            val localUri = local.javaClass.getMethod("getUriString").invoke(local) as? String
            val domain = local.javaClass.getMethod("getSipDomain").invoke(local) as? String
            if (localUri == null || domain == null) return Result.failure(IllegalStateException(NO_PROFILE))
            val listener = Class.forName("android.net.sip.SipAudioCall\$Listener")
            val peer = if (target.contains('@')) "sip:$target" else "sip:$target@$domain"
            call = managerClass.getMethod("makeAudioCall", String::class.java, String::class.java, listener, Int::class.javaPrimitiveType)
                .invoke(manager, localUri, peer, null, TIMEOUT_SECS)
            Result.success(Unit)
        } catch (e: ReflectiveOperationException) {
            Log.i(TAG, "platform SIP refused the call: ${e.javaClass.simpleName}")
            Result.failure(IllegalStateException(NO_SIP))
        } catch (e: LinkageError) {
            Result.failure(IllegalStateException(NO_SIP))
        }

    /** Ends the call, if one was placed. */
    fun end() {
        val placed = call ?: return
        call = null
        try {
            placed.javaClass.getMethod("endCall").invoke(placed)
        } catch (e: ReflectiveOperationException) {
            Log.i(TAG, "platform SIP could not end the call: ${e.javaClass.simpleName}")
        }
    }

    companion object {
        private const val TAG = "SplitlineSip"
        private const val TIMEOUT_SECS = 30

        private const val NO_PROFILE = "No internet-calling (SIP) account is set up on this phone. Choose a callback in the call settings."
        private const val NO_SIP = "The phone's own internet calling could not place this call. Choose a callback in the call settings."
    }
}
