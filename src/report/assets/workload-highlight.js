(function(){
var roots=['gantt','jobs-gantt'].map(function(id){return document.getElementById(id);}).filter(function(r){return r;});
var marks=[];roots.forEach(function(r){var m=r.querySelectorAll('[data-v]');for(var i=0;i<m.length;i++)marks.push(m[i]);});
var rows=document.querySelectorAll('#jobs-table tr[data-v]');for(var i=0;i<rows.length;i++)marks.push(rows[i]);
var pinned=null;
function show(v){roots.forEach(function(r){r.classList.toggle('focus',v!==null);});for(var i=0;i<marks.length;i++)marks[i].classList.toggle('hl',marks[i].getAttribute('data-v')===v);}
var items=document.querySelectorAll('#tm-legend li[data-v],#jobs-gantt g.job,#jobs-table tr[data-v]');
for(var i=0;i<items.length;i++){(function(el){var v=el.getAttribute('data-v');
el.addEventListener('mouseenter',function(){if(pinned===null)show(v);});
el.addEventListener('mouseleave',function(){if(pinned===null)show(null);});
el.addEventListener('click',function(){pinned=pinned===v?null:v;var l=document.querySelectorAll('#tm-legend li[data-v]');for(var j=0;j<l.length;j++)l[j].classList.toggle('active',l[j].getAttribute('data-v')===pinned);show(pinned===null?v:pinned);});
})(items[i]);}
})();
