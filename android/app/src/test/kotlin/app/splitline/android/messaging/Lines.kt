package app.splitline.android.messaging

import android.view.ViewGroup
import android.widget.TextView

/** The texts of the [TextView]s directly in [group], in order. */
fun lines(group: ViewGroup): List<String> =
    (0 until group.childCount).mapNotNull { (group.getChildAt(it) as? TextView)?.text?.toString() }
