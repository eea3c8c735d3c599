package app.splitline.android.messaging

import android.content.Intent
import android.os.Bundle
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import app.splitline.android.SplitlineActivity
import app.splitline.android.device.SetupActivity
import app.splitline.android.screen
import app.splitline.android.splitline
import app.splitline.shell.account.Account
import app.splitline.shell.messaging.Messaging
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.launch

/**
 * What the messaging screens share: the app's account (without one, setup
 * starts instead and this screen finishes), a [Messaging] over it, binding a
 * presenter's state to views on the main thread, and views built in code.
 */
abstract class MessagingActivity : SplitlineActivity() {
    /** The app's account; set before [onAccount]. */
    protected lateinit var account: Account
        private set

    /** The account's messaging objects. */
    protected val messaging: Messaging by lazy { Messaging(account) }

    final override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val current = splitline.account
        if (current == null) {
            startActivity(Intent(this, SetupActivity::class.java))
            finish()
            return
        }
        account = current
        onAccount()
    }

    /** Builds the screen once the account is known. */
    protected abstract fun onAccount()

    /** Calls [render] on the main thread with each value of [flow] while the screen lives. */
    protected fun <T> bind(flow: Flow<T>, render: (T) -> Unit) {
        scope.launch { flow.collect { render(it) } }
    }

    /** This screen as a titled column (see [app.splitline.android.screen]), its scroll view with [MessagingIds.SCROLL]. */
    protected fun screen(title: String): LinearLayout = screen(title, MessagingIds.SCROLL)

    /** Starts the screen [target] with [extras] applied. */
    protected fun open(target: Class<*>, extras: Intent.() -> Unit = {}) = startActivity(Intent(this, target).apply(extras))
}
