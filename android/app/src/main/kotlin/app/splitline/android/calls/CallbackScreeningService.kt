package app.splitline.android.calls

import android.Manifest
import android.annotation.TargetApi
import android.content.pm.PackageManager
import android.os.Build
import android.os.Handler
import android.os.Looper
import android.telecom.Call
import android.telecom.CallScreeningService
import android.telecom.TelecomManager
import android.telephony.TelephonyManager
import android.util.Log
import app.splitline.android.splitline
import app.splitline.shell.calls.IncomingDecision
import app.splitline.shell.calls.decideIncoming
import app.splitline.shell.calls.pendingCallbackFrom
import app.splitline.shell.calls.readCallerId
import kotlinx.coroutines.launch

/**
 * Recognises the gateway's calls among the phone's incoming calls (role
 * `CALL_SCREENING`, API 29+; the manifest enables it from 29 only). The
 * decision is the shell's [decideIncoming]:
 * - the callback of the call the flow waits for: allowed, then answered
 *   without a touch where `ANSWER_PHONE_CALLS` is granted, else a one-tap
 *   answer notification that names the person being reached;
 * - the number check's flash call: rejected silently, its code confirmed;
 * - any other call: allowed with nothing changed, as if Splitline were not here.
 */
@TargetApi(Build.VERSION_CODES.Q)
class CallbackScreeningService : CallScreeningService() {
    override fun onScreenCall(details: Call.Details) {
        val center = CallCenter.of(this)
        val incoming = details.callDirection == Call.Details.DIRECTION_INCOMING
        val decision = if (incoming) {
            val sim = getSystemService(TelephonyManager::class.java)?.simCountryIso.orEmpty().uppercase()
            decideIncoming(
                callerId = readCallerId(details.handle?.schemeSpecificPart, sim),
                pendingCallbackFrom = center.driver?.state?.value?.pendingCallbackFrom(),
                verification = center.numberCheck?.pending,
            )
        } else {
            IncomingDecision.LeaveAlone
        }
        when (decision) {
            IncomingDecision.LeaveAlone -> respondToCall(details, CallResponse.Builder().build())
            IncomingDecision.AnswerCallback -> {
                respondToCall(details, CallResponse.Builder().build())
                answer(center)
            }
            is IncomingDecision.TakeFlashCode -> {
                respondToCall(
                    details,
                    CallResponse.Builder()
                        .setDisallowCall(true)
                        .setRejectCall(true)
                        .setSkipCallLog(true)
                        .setSkipNotification(true)
                        .build(),
                )
                center.numberCheck?.let { check -> splitline.scope.launch { check.confirm(decision.code) } }
            }
        }
    }

    private fun answer(center: CallCenter) {
        if (checkSelfPermission(Manifest.permission.ANSWER_PHONE_CALLS) == PackageManager.PERMISSION_GRANTED) {
            // Screening runs before the phone rings: answer once it does.
            Handler(Looper.getMainLooper()).postDelayed({ acceptRinging() }, ANSWER_AFTER_MS)
        } else {
            CallbackNotification.show(this, center)
        }
    }

    private fun acceptRinging() {
        try {
            getSystemService(TelecomManager::class.java)?.acceptRingingCall()
        } catch (e: SecurityException) {
            Log.i(TAG, "the callback could not be answered: the permission was withdrawn")
        }
    }

    companion object {
        private const val TAG = "SplitlineScreening"

        /** How long after screening the callback is answered (it rings by then). */
        const val ANSWER_AFTER_MS = 1_000L
    }
}
