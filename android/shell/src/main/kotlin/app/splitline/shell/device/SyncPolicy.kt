package app.splitline.shell.device

/** Why the core should keep syncing while no screen is open. */
enum class SyncReason {
    /** A call is being set up (a callback is expected, or a call-through is reserved). */
    CALL_PENDING,

    /** Messages written offline or in the background wait to be sent. */
    MESSAGES_QUEUED,

    /** A push message woke the app (#19): sync for a short while. */
    PUSH_WAKE,
}

/** What the app knows when it decides whether to run the foreground service. */
data class SyncNeeds(
    /** An account is stored and signed in (or signing in). */
    val signedIn: Boolean,
    /** A screen of the app is showing: the app syncs by itself then, no service is needed. */
    val inForeground: Boolean,
    /** The reasons raised and not yet cleared. */
    val reasons: Set<SyncReason> = emptySet(),
    /** The platform stopped the service for its time limit (API 35 `onTimeout`) since the app was last in the foreground. */
    val timedOut: Boolean = false,
)

/** Whether the foreground service runs, and why. */
sealed class SyncDecision {
    /** Run (or keep running) the service; [reasons] are shown in its notification. */
    data class Run(val reasons: Set<SyncReason>) : SyncDecision()

    /** No service; [why] is for the logs and the docs. */
    data class Idle(val why: String) : SyncDecision()
}

/**
 * When the foreground service runs: only in the background, only while
 * there is work (a pending call, queued messages, a push wake-up), and not
 * again after the platform's time limit stopped it until the user opens the
 * app (Android 15 allows a `dataSync` service 6 hours a day; restarting it
 * after `onTimeout` is refused and the app would crash).
 */
fun decideSync(needs: SyncNeeds): SyncDecision =
    when {
        !needs.signedIn -> SyncDecision.Idle("no account is signed in")
        needs.inForeground -> SyncDecision.Idle("a screen is open: the app syncs by itself")
        needs.reasons.isEmpty() -> SyncDecision.Idle("nothing is waiting: the core need not sync in the background")
        needs.timedOut -> SyncDecision.Idle("the platform's time limit for background sync was reached; it resumes when the app is opened")
        else -> SyncDecision.Run(needs.reasons)
    }

/** The service notification's text for [reasons]. */
fun describeSync(reasons: Set<SyncReason>): String =
    when {
        SyncReason.CALL_PENDING in reasons -> "Setting up your call"
        SyncReason.MESSAGES_QUEUED in reasons -> "Sending your messages"
        else -> "Checking for new messages"
    }
