package app.splitline.shell.calls

/**
 * What the phone dials for a call-through: [number], then [postDial], the
 * digits sent after it connects, with `,` (pause) and `;` (wait) as the
 * platform's dialer reads them. Both come from the core's answer as given:
 * the access number, then the post-dial digits the gateway's directory
 * gives it (for a number behind a switchboard; most have none, and the
 * gateway knows the call by the caller id).
 */
data class DialString(val number: String, val postDial: String) {
    /** The whole string for a `tel:` URI's number part. */
    val text: String get() = number + postDial

    companion object {
        /** [dial] split at its first pause or wait. */
        fun of(dial: String): DialString {
            val cut = dial.indexOfFirst { it == PAUSE || it == WAIT }
            return if (cut < 0) DialString(dial, "") else DialString(dial.substring(0, cut), dial.substring(cut))
        }

        /** A two-second pause. */
        const val PAUSE = ','

        /** Wait for the user to confirm. */
        const val WAIT = ';'
    }
}
