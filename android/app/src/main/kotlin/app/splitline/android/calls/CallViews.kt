package app.splitline.android.calls

import android.app.Activity
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/** The view ids of the call screens (tests find views by them). */
object CallViews {
    const val NUMBER = 1801
    const val COST = 1802
    const val EXPLANATION = 1803
    const val CALL = 1804
    const val MATCHES = 1805
    const val ROUTE = 1806
    const val PROGRESS = 1807
    const val HANG_UP = 1808
    const val PREFERENCE = 1809
    const val REDIRECT = 1810
    const val ROLES = 1811
    const val CODE = 1812
    const val CONFIRM = 1813
    const val STATUS = 1814
    const val SEND = 1815
}

/** A padded vertical column, set as [activity]'s content in a scroll view. */
internal fun column(activity: Activity, title: String): LinearLayout {
    val column = LinearLayout(activity).apply {
        orientation = LinearLayout.VERTICAL
        val pad = (16 * activity.resources.displayMetrics.density).toInt()
        setPadding(pad, pad, pad, pad)
    }
    column.addView(
        TextView(activity).apply {
            text = title
            textSize = 22f
        },
    )
    activity.setContentView(ScrollView(activity).apply { addView(column) })
    return column
}

/** A text line with [viewId], added to [parent]. */
internal fun LinearLayout.line(viewId: Int, initial: CharSequence = ""): TextView =
    TextView(context).apply {
        id = viewId
        text = initial
        this@line.addView(this)
    }

/** A full-width button with [viewId], added to [parent]. */
internal fun LinearLayout.button(viewId: Int, label: String, onClick: () -> Unit): Button =
    Button(context).apply {
        id = viewId
        text = label
        setOnClickListener { onClick() }
        this@button.addView(this, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
    }
