package app.splitline.android.push

import android.content.pm.PackageManager
import android.widget.RadioButton
import android.widget.RadioGroup
import app.splitline.android.SplitlineActivity
import app.splitline.android.label
import app.splitline.android.screen
import app.splitline.android.splitline
import app.splitline.shell.push.PushController
import app.splitline.shell.push.describePush
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The distributor picker (from Settings): "Off" and each installed
 * UnifiedPush distributor; picking one registers through it, "Off"
 * unregisters everywhere. With none installed it says so, and what the app
 * does meanwhile.
 */
class PushSettingsActivity : SplitlineActivity() {
    override fun onCreate(savedInstanceState: android.os.Bundle?) {
        super.onCreate(savedInstanceState)
        val column = screen("Push notifications")
        val controller = AppPush.controller(splitline)
        val state = column.label(PushIds.STATE)
        val choices = RadioGroup(this).apply { id = PushIds.CHOICES }
        column.addView(choices)
        val problem = column.label(PushIds.PROBLEM)
        if (controller == null) {
            state.text = "Set up the account first."
            return
        }
        val installed = AndroidDistributors(this).installed()
        val options = listOf<String?>(null) + installed
        options.forEachIndexed { i, distributor ->
            choices.addView(
                RadioButton(this).apply {
                    id = PushIds.CHOICE_BASE + i
                    text = distributor?.let(::appName) ?: "Off"
                },
            )
        }
        fun show() {
            val now = controller.state()
            state.text = describePush(now, installed)
            choices.check(PushIds.CHOICE_BASE + options.indexOf(now.distributor).coerceAtLeast(0))
        }
        show()
        choices.setOnCheckedChangeListener { _, checked ->
            val pick = options.getOrNull(checked - PushIds.CHOICE_BASE)
            if (pick != controller.state().distributor) {
                pickThen(controller, pick) { problems ->
                    problem.text = problems.joinToString("\n")
                    show()
                }
            }
        }
    }

    private fun pickThen(controller: PushController, pick: String?, then: (List<String>) -> Unit) {
        scope.launch { then(withContext(Dispatchers.IO) { controller.pick(pick) }) }
    }

    private fun appName(pkg: String): String =
        try {
            packageManager.getApplicationLabel(packageManager.getApplicationInfo(pkg, 0)).toString()
        } catch (e: PackageManager.NameNotFoundException) {
            pkg
        }
}

/** The push screen's view ids (for tests). */
object PushIds {
    const val STATE = 2200
    const val CHOICES = 2201
    const val PROBLEM = 2202

    /** "Off", then each installed distributor in order. */
    const val CHOICE_BASE = 2210
}
