package app.splitline.android.calls

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Bundle
import android.telecom.TelecomManager
import app.splitline.shell.calls.CallPhone
import app.splitline.shell.calls.DialString

/**
 * The phone's calling for the call flow: a call-through's access number with
 * `TelecomManager.placeCall` (needs `CALL_PHONE`), and calls over the
 * platform's SIP stack ([PlatformSipCall]).
 */
class TelecomPhone(private val context: Context) : CallPhone {
    private val sip = PlatformSipCall(context)

    override fun dial(dial: DialString): Result<Unit> {
        if (context.checkSelfPermission(Manifest.permission.CALL_PHONE) != PackageManager.PERMISSION_GRANTED) {
            return Result.failure(IllegalStateException(NO_CALL_PHONE))
        }
        val telecom = context.getSystemService(TelecomManager::class.java)
            ?: return Result.failure(IllegalStateException("This device cannot make phone calls."))
        return try {
            telecom.placeCall(Uri.fromParts("tel", dial.text, null), Bundle())
            Result.success(Unit)
        } catch (e: SecurityException) {
            Result.failure(IllegalStateException(NO_CALL_PHONE))
        }
    }

    override fun placeOverSip(target: String): Result<Unit> = sip.place(target)

    override fun endSipCall() = sip.end()

    companion object {
        /** What the call screen says when `CALL_PHONE` is refused. */
        const val NO_CALL_PHONE =
            "Splitline may not make phone calls, so it cannot dial the access number. " +
                "Allow calls in the app's settings, or choose callbacks in the call settings."
    }
}
