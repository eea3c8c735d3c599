package app.splitline.shell.calls

import app.splitline.shell.core.CoreError
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** Where proving the mobile number is. */
sealed class NumberCheckState {
    /** Nothing asked yet. */
    data object Idle : NumberCheckState()

    /** Asking the gateway to ring the number. */
    data object Requesting : NumberCheckState()

    /** The flash call is on its way; the code may be typed instead. */
    data class WaitingForFlashCall(val verification: Verification) : NumberCheckState()

    /** Sending the code. */
    data object Confirming : NumberCheckState()

    /** The gateway verified [number]. */
    data class Verified(val number: String) : NumberCheckState()

    /** It failed, in plain words; the user may try again. */
    data class Failed(val detail: String) : NumberCheckState()
}

/**
 * Proves the user's mobile number with the gateway's flash call: the
 * screening service reads the code from its caller id (or the user types
 * it); the verified number is kept in [settings]. It starts at [initial]
 * (a check restored after the process restarted; tests start one waiting).
 */
class NumberCheck(
    private val service: CallService,
    private val settings: CallSettings,
    initial: NumberCheckState = NumberCheckState.Idle,
) {
    private val current = MutableStateFlow(initial)

    /** The check now. */
    val state: StateFlow<NumberCheckState> = current.asStateFlow()

    /** The verification the screening service looks for, while one is under way. */
    val pending: Verification? get() = (current.value as? NumberCheckState.WaitingForFlashCall)?.verification

    /** Asks the gateway to ring [number] (E.164) once. */
    suspend fun request(number: String) {
        current.value = NumberCheckState.Requesting
        current.value = service.verifyMobileNumber(number).fold(
            { NumberCheckState.WaitingForFlashCall(it) },
            { NumberCheckState.Failed(checkFailure(it)) },
        )
    }

    /** Confirms [code] (read from the flash call or typed). */
    suspend fun confirm(code: String) {
        current.value = NumberCheckState.Confirming
        current.value = service.confirmMobileNumber(code).fold(
            { number ->
                if (number == null) {
                    NumberCheckState.Failed("That code did not verify the number; check it and try again.")
                } else {
                    settings.verifiedNumber = number
                    NumberCheckState.Verified(number)
                }
            },
            { NumberCheckState.Failed(checkFailure(it)) },
        )
    }

    private fun checkFailure(error: Throwable): String =
        when (error) {
            is CoreError.NotFound -> "Your network does not check mobile numbers (it places no calls)."
            is CoreError.Invalid -> "That is not a mobile number Splitline can check: ${error.message}"
            else -> callFailure(error)
        }
}
