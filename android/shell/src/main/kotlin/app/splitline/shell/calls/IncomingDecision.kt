package app.splitline.shell.calls

/** What the screening service does with a call ringing the phone. */
sealed class IncomingDecision {
    /** It is the gateway's callback for the pending call: answer it. */
    data object AnswerCallback : IncomingDecision()

    /** It is the verification's flash call: [code] is what its caller id carries; reject it. */
    data class TakeFlashCode(val code: String) : IncomingDecision()

    /** Anyone else: let the call ring as if Splitline were not there. */
    data object LeaveAlone : IncomingDecision()
}

/**
 * Decides on an incoming call from [callerId] (as the platform shows it),
 * given the callback the app is waiting for ([pendingCallbackFrom]) and the
 * verification under way ([verification]). Caller ids compare by their
 * digits: the gateway gives E.164, and the app reads the network's caller id
 * into E.164 first ([readCallerId]); one that still differs in any digit is
 * left alone, never touched by mistake.
 */
fun decideIncoming(callerId: String?, pendingCallbackFrom: String?, verification: Verification?): IncomingDecision {
    val digits = callerId?.digits().orEmpty()
    if (digits.isEmpty()) return IncomingDecision.LeaveAlone
    if (pendingCallbackFrom != null && digits == pendingCallbackFrom.digits()) return IncomingDecision.AnswerCallback
    if (verification != null) {
        val prefix = verification.callerPrefix.digits()
        val code = digits.removePrefix(prefix)
        if (prefix.isNotEmpty() && digits.startsWith(prefix) && code.length == verification.codeDigits) {
            return IncomingDecision.TakeFlashCode(code)
        }
    }
    return IncomingDecision.LeaveAlone
}

private fun String.digits(): String = filter { it in '0'..'9' }
