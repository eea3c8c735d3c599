package app.splitline.shell.messaging

import app.splitline.shell.core.CoreError
import app.splitline.shell.core.toCoreError
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.splitline_bindings.SplitlineException

/**
 * What the messaging presenters share: the screen's [scope] (its state is
 * collected there), calls into the core run on [io], and the last failure
 * as a sentence for the user in [problem].
 */
abstract class Presenter(
    protected val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val problems = MutableStateFlow<String?>(null)

    /** The last thing that went wrong, in plain words; null once an intent succeeds. */
    val problem: StateFlow<String?> = problems.asStateFlow()

    /** Runs [call] on the io dispatcher, then [then] with its value in [scope], or says what failed. */
    protected fun <T> perform(call: suspend () -> Result<T>, then: (T) -> Unit = {}) {
        scope.launch {
            withContext(io) { call() }
                .onSuccess {
                    problems.value = null
                    then(it)
                }.onFailure { problems.value = explain(it) }
        }
    }

    /**
     * Collects [flow] in [scope], calling [each] with every value; a view the
     * core cannot open (a damaged store) becomes the [problem] instead of a crash.
     */
    protected fun <T> follow(flow: Flow<T>, each: (T) -> Unit) {
        scope.launch {
            flow.catch { e -> if (e is SplitlineException) problems.value = explain(e.toCoreError()) else throw e }
                .collect { each(it) }
        }
    }

    /** Shows [message] as the problem (for input the presenter refuses before calling the core). */
    protected fun complain(message: String) {
        problems.value = message
    }
}

/** A failure of the core in words for the user. */
fun explain(error: Throwable): String =
    when (error) {
        is CoreError.Invalid -> "That is not valid: ${error.message}"
        is CoreError.NotFound -> "It is not there any more."
        is CoreError.Forbidden -> "The network does not allow that."
        is CoreError.Unreachable -> "The network cannot be reached now. Try again when you are online."
        is CoreError.RateLimited -> "Too many requests. Try again in ${error.retryAfterSecs ?: 60uL} seconds."
        is CoreError.Refused -> "The network refused your password. Sign in again."
        is CoreError.Storage -> "The app could not save on this phone (is the storage full?)."
        is CoreError.CoreMissing -> "The app's core could not be loaded. Reinstall the app."
        else -> "Something went wrong: ${error.message}"
    }
